package dev.burrow.protocol;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The binary payloads of OPEN (StreamOpen with its HttpRequestHead) and HEADERS (HttpResponseHead). */
class StreamPayloadCodecTest {

    private static final HttpRequestHead GET = new HttpRequestHead("GET", "/", List.of(Map.entry("Host", "a.localhost")));

    private static List<Map.Entry<String, String>> manyHeaders(int count) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            headers.add(Map.entry("X-Header-" + i, "value " + i));
        }
        return headers;
    }

    @Test
    void httpOpenRoundTrips() throws ProtocolException {
        HttpRequestHead head = new HttpRequestHead("PUT", "/files/%E2%9C%93?q=1&r=2#frag", List.of(
                Map.entry("Host", "demo.localhost:8080"),
                Map.entry("Cookie", "a=1"),
                Map.entry("Cookie", "b=2"),
                Map.entry("X-Empty", ""),
                Map.entry("X-Forwarded-For", "203.0.113.9")));
        StreamOpen open = StreamOpen.http("ep-42", "[2001:db8::1]:61000", head);
        StreamOpen decoded = StreamOpen.decode(open.encode());
        assertEquals(open, decoded);
        assertEquals(StreamOpen.Kind.HTTP, decoded.kind());
        assertEquals(List.of("Host", "Cookie", "Cookie", "X-Empty", "X-Forwarded-For"),
                decoded.requestHead().headers().stream().map(Map.Entry::getKey).toList(), "order and repetitions are kept");
    }

    @Test
    void tcpOpenRoundTrips() throws ProtocolException {
        StreamOpen open = StreamOpen.tcp("ep-tcp", "198.51.100.4:50000");
        assertEquals(open, StreamOpen.decode(open.encode()));
        assertEquals(null, StreamOpen.decode(open.encode()).requestHead());
    }

    @Test
    void nullClientAddressRoundTrips() throws ProtocolException {
        StreamOpen open = StreamOpen.tcp("ep", null);
        assertEquals(open, StreamOpen.decode(open.encode()));
    }

    @Test
    void utf8SurvivesInEveryString() throws ProtocolException {
        HttpRequestHead head = new HttpRequestHead("GÉT", "/ünïcödé/日本語/🚀", List.of(Map.entry("X-Naïve", "välue — “quoted” 🙂")));
        StreamOpen open = StreamOpen.http("énd-point", "clïent", head);
        assertEquals(open, StreamOpen.decode(open.encode()));
        HttpResponseHead response = new HttpResponseHead(451, "Unavailable For Légal Reasons ⚖", List.of(Map.entry("Content-Language", "日本語")));
        assertEquals(response, HttpResponseHead.decode(response.encode()));
    }

    @Test
    void emptyStringsAndEmptyHeaderListsRoundTrip() throws ProtocolException {
        StreamOpen open = StreamOpen.http("", "", new HttpRequestHead("", "", List.of(Map.entry("", ""))));
        assertEquals(open, StreamOpen.decode(open.encode()));
        HttpResponseHead response = new HttpResponseHead(204, "", List.of());
        assertEquals(response, HttpResponseHead.decode(response.encode()));
    }

    @Test
    void nullReasonPhraseRoundTrips() throws ProtocolException {
        HttpResponseHead response = new HttpResponseHead(101, null, List.of(Map.entry("Upgrade", "websocket"), Map.entry("Connection", "Upgrade")));
        assertEquals(response, HttpResponseHead.decode(response.encode()));
    }

    @Test
    void aThousandHeadersRoundTrip() throws ProtocolException {
        List<Map.Entry<String, String>> headers = manyHeaders(HttpHeaderList.MAX_HEADERS);
        StreamOpen open = StreamOpen.http("ep", "c", new HttpRequestHead("GET", "/", headers));
        assertEquals(open, StreamOpen.decode(open.encode()));
        HttpResponseHead response = new HttpResponseHead(200, "OK", headers);
        assertEquals(response, HttpResponseHead.decode(response.encode()));
    }

    @Test
    void moreThanAThousandHeadersAreRefusedBothWays() {
        List<Map.Entry<String, String>> headers = manyHeaders(HttpHeaderList.MAX_HEADERS + 1);
        assertThrows(IllegalArgumentException.class, () -> new HttpResponseHead(200, "OK", headers).encode());
        Buffer forged = Buffer.buffer().appendUnsignedShort(200).appendUnsignedShort(2).appendString("OK")
                .appendUnsignedShort(HttpHeaderList.MAX_HEADERS + 1);
        ProtocolException e = assertThrows(ProtocolException.class, () -> HttpResponseHead.decode(forged));
        assertEquals(ErrorCode.PROTOCOL_ERROR, e.code());
        assertEquals("1001 headers is more than the protocol allows", e.getMessage());
    }

    @Test
    void longestStringRoundTripsAndLongerIsRefused() throws ProtocolException {
        String longest = "v".repeat(0xFFFE);
        HttpResponseHead response = new HttpResponseHead(200, "OK", List.of(Map.entry("X-Big", longest)));
        assertEquals(response, HttpResponseHead.decode(response.encode()));
        HttpResponseHead tooLong = new HttpResponseHead(200, "OK", List.of(Map.entry("X-Big", longest + "v")));
        assertThrows(IllegalArgumentException.class, tooLong::encode);
    }

    @Test
    void stringOfMaxStringBytesRoundTrips() throws ProtocolException {
        HttpResponseHead response = new HttpResponseHead(200, "OK", List.of(Map.entry("X-Big", "v".repeat(ProtocolLimits.MAX_STRING_BYTES))));
        assertEquals(response, HttpResponseHead.decode(response.encode()));
    }

    @Test
    void openHasTheDocumentedByteLayout() {
        Buffer tcp = StreamOpen.tcp("ep", null).encode();
        assertEquals(DecoderHarness.bytes(2, 0, 2, 'e', 'p', 0xff, 0xff), tcp, "kind, endpoint id, null client address");
        Buffer http = StreamOpen.http("e", "c", new HttpRequestHead("GET", "/", List.of(Map.entry("a", "")))).encode();
        assertEquals(DecoderHarness.bytes(1, 0, 1, 'e', 0, 1, 'c', 0, 3, 'G', 'E', 'T', 0, 1, '/', 0, 1, 0, 1, 'a', 0, 0), http);
        Buffer headers = new HttpResponseHead(404, "Not", List.of()).encode();
        assertEquals(DecoderHarness.bytes(0x01, 0x94, 0, 3, 'N', 'o', 't', 0, 0), headers);
    }

    // ---------------------------------------------------------------- hostile payloads

    @Test
    void everyTruncationOfAnOpenPayloadIsRejected() {
        Buffer full = StreamOpen.http("ep-1", "203.0.113.1:1", new HttpRequestHead("POST", "/x",
                List.of(Map.entry("Host", "h"), Map.entry("Content-Length", "10")))).encode();
        for (int length = 0; length < full.length(); length++) {
            Buffer truncated = full.slice(0, length);
            ProtocolException e = assertThrows(ProtocolException.class, () -> StreamOpen.decode(truncated), "length " + length);
            assertEquals(ErrorCode.PROTOCOL_ERROR, e.code());
            assertEquals("OPEN payload is truncated", e.getMessage(), "length " + length);
        }
        Buffer tcp = StreamOpen.tcp("ep", "c").encode();
        for (int length = 0; length < tcp.length(); length++) {
            Buffer truncated = tcp.slice(0, length);
            ProtocolException e = assertThrows(ProtocolException.class, () -> StreamOpen.decode(truncated), "tcp length " + length);
            assertEquals(ErrorCode.PROTOCOL_ERROR, e.code());
        }
    }

    @Test
    void everyTruncationOfAHeadersPayloadIsRejected() {
        Buffer full = new HttpResponseHead(200, "OK", List.of(Map.entry("A", "1"), Map.entry("B", ""))).encode();
        for (int length = 0; length < full.length(); length++) {
            Buffer truncated = full.slice(0, length);
            ProtocolException e = assertThrows(ProtocolException.class, () -> HttpResponseHead.decode(truncated), "length " + length);
            assertEquals(ErrorCode.PROTOCOL_ERROR, e.code());
            assertEquals("HEADERS payload is truncated", e.getMessage(), "length " + length);
        }
    }

    @Test
    void trailingBytesAfterAnOpenPayloadAreRejected() {
        for (StreamOpen open : List.of(StreamOpen.tcp("ep", "c"), StreamOpen.http("ep", "c", GET).withPolicyTrail(List.of("a rule")))) {
            Buffer payload = open.encode().appendString("xyz");
            ProtocolException e = assertThrows(ProtocolException.class, () -> StreamOpen.decode(payload));
            assertEquals(ErrorCode.PROTOCOL_ERROR, e.code());
            assertEquals("OPEN payload has 3 unexpected trailing bytes", e.getMessage());
        }
    }

    @Test
    void trailingBytesAfterAHeadersPayloadAreRejected() {
        Buffer payload = new HttpResponseHead(200, "OK", List.of()).encode().appendByte((byte) 0);
        ProtocolException e = assertThrows(ProtocolException.class, () -> HttpResponseHead.decode(payload));
        assertEquals(ErrorCode.PROTOCOL_ERROR, e.code());
        assertEquals("HEADERS payload has 1 unexpected trailing bytes", e.getMessage());
    }

    @Test
    void unknownStreamKindIsRejected() {
        Buffer payload = StreamOpen.tcp("ep", "c").encode();
        payload.setUnsignedByte(0, (short) 7);
        ProtocolException e = assertThrows(ProtocolException.class, () -> StreamOpen.decode(payload));
        assertEquals(ErrorCode.PROTOCOL_ERROR, e.code());
        assertEquals("OPEN payload has unknown stream kind 7", e.getMessage());
    }

    @Test
    void openWithoutEndpointIdIsRejected() {
        Buffer payload = StreamOpen.tcp(null, "c").encode();
        ProtocolException e = assertThrows(ProtocolException.class, () -> StreamOpen.decode(payload));
        assertEquals(ErrorCode.PROTOCOL_ERROR, e.code());
        assertEquals("OPEN payload has no endpoint id", e.getMessage());
    }

    @Test
    void requestHeadWithoutMethodOrUriIsRejected() {
        for (HttpRequestHead head : List.of(new HttpRequestHead(null, "/", List.of()), new HttpRequestHead("GET", null, List.of()))) {
            ProtocolException e = assertThrows(ProtocolException.class, () -> StreamOpen.decode(StreamOpen.http("ep", "c", head).encode()));
            assertEquals(ErrorCode.PROTOCOL_ERROR, e.code());
            assertEquals("HTTP request head lacks a method or uri", e.getMessage());
        }
    }

    @Test
    void headerWithNullNameOrValueIsRejected() {
        Buffer payload = Buffer.buffer().appendUnsignedShort(200).appendUnsignedShort(0).appendUnsignedShort(1)
                .appendUnsignedShort(1).appendString("A").appendUnsignedShort(0xFFFF);
        ProtocolException e = assertThrows(ProtocolException.class, () -> HttpResponseHead.decode(payload));
        assertEquals(ErrorCode.PROTOCOL_ERROR, e.code());
        assertEquals("header 0 has a null name or value", e.getMessage());
    }

    @Test
    void statusOutsideHundredToNineNineNineIsRejected() {
        for (int status : new int[] {0, 99, 1000, 65535}) {
            Buffer payload = Buffer.buffer().appendUnsignedShort(status).appendUnsignedShort(0).appendUnsignedShort(0);
            ProtocolException e = assertThrows(ProtocolException.class, () -> HttpResponseHead.decode(payload));
            assertEquals(ErrorCode.PROTOCOL_ERROR, e.code());
            assertEquals("HEADERS payload has invalid status " + status, e.getMessage());
        }
    }

    @Test
    void stringLengthBeyondThePayloadIsTruncationNotAnOverrun() {
        Buffer payload = Buffer.buffer().appendUnsignedByte((short) 2).appendUnsignedShort(0xFFFE).appendString("short");
        ProtocolException e = assertThrows(ProtocolException.class, () -> StreamOpen.decode(payload));
        assertEquals("OPEN payload is truncated", e.getMessage());
    }

    @Test
    void invalidUtf8IsReplacedNotThrown() throws ProtocolException {
        Buffer payload = Buffer.buffer().appendUnsignedByte((short) 2)
                .appendUnsignedShort(2).appendBytes(new byte[] {(byte) 0xc3, (byte) 0x28})
                .appendUnsignedShort(0xFFFF);
        StreamOpen open = StreamOpen.decode(payload);
        assertTrue(open.endpointId().contains("\uFFFD"), open.endpointId());
        assertEquals(2, open.endpointId().getBytes(StandardCharsets.UTF_16BE).length / 2);
    }
}
