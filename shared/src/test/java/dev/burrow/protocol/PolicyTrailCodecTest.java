package dev.burrow.protocol;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The edge's policy trail in an HTTP OPEN, and the policy refusal control message. */
class PolicyTrailCodecTest {
    private static final HttpRequestHead GET = new HttpRequestHead("GET", "/x", List.of(Map.entry("Host", "a.localhost")));
    private static final List<String> TRAIL = List.of(
            "on_http_request: tenant policy: office only: matched; restrict-ips: allowed 127.0.0.1",
            "on_http_request: #1: not matched");

    @Test
    void aTrailRoundTripsInAnHttpOpen() throws ProtocolException {
        StreamOpen open = StreamOpen.http("ep-1", "127.0.0.1:5000", GET).withPolicyTrail(TRAIL);
        StreamOpen decoded = StreamOpen.decode(open.encode());
        assertEquals(TRAIL, decoded.policyTrail());
        assertEquals(GET, decoded.requestHead());
    }

    @Test
    void anOpenWithoutATrailIsTheSameBytesAsBeforeSoOlderAgentsReadIt() {
        StreamOpen plain = StreamOpen.http("ep-1", "127.0.0.1:5000", GET);
        assertSame(plain, plain.withPolicyTrail(List.of()));
        Buffer stripped = plain.withPolicyTrail(TRAIL).withoutPolicyTrail().encode();
        assertEquals(plain.encode(), stripped);
        Buffer old = Buffer.buffer().appendUnsignedByte((short) 1);
        BinaryFields.writeString(old, "ep-1");
        BinaryFields.writeString(old, "127.0.0.1:5000");
        GET.encodeTo(old);
        assertEquals(old, plain.encode());
    }

    @Test
    void anOpenClaimingMoreTrailLinesThanAllowedIsAProtocolError() {
        Buffer payload = StreamOpen.http("ep-1", "c", GET).encode().appendUnsignedShort(StreamOpen.MAX_TRAIL_LINES + 1);
        ProtocolException e = assertThrows(ProtocolException.class, () -> StreamOpen.decode(payload));
        assertTrue(e.getMessage().contains("policy trail lines"), e.getMessage());
        List<String> long_ = new ArrayList<>();
        for (int i = 0; i < StreamOpen.MAX_TRAIL_LINES + 10; i++) {
            long_.add("line " + i);
        }
        assertEquals(StreamOpen.MAX_TRAIL_LINES, StreamOpen.http("ep-1", "c", GET).withPolicyTrail(long_).policyTrail().size());
    }

    @Test
    void aPolicyRefusalRoundTrips() throws ProtocolException {
        ControlMessage.PolicyRefusal refusal = new ControlMessage.PolicyRefusal("ep-1", "127.0.0.2", "GET", "/admin?x=1", 403,
                "tenant policy: office only (restrict-ips)", TRAIL);
        assertEquals(refusal, ControlCodec.decode(ControlCodec.encode(refusal)));
        assertTrue(ControlCodec.encode(refusal).toString().contains("\"type\":\"policy_refusal\""));
    }
}
