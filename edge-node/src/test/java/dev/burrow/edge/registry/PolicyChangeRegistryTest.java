package dev.burrow.edge.registry;

import dev.burrow.protocol.EndpointSettings;
import dev.burrow.protocol.ErrorCode;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * An endpoint's policy changed in the registry record (a live change) is what every node reads, links untouched; only a
 * session that serves the endpoint may change it; a pool has one policy, so a member bringing another is refused.
 */
class PolicyChangeRegistryTest extends TwoNodeRegistryTest {
    private static final String DENY = "on_http_request:\n  - actions:\n      - type: deny\n";
    private static final String ALLOW = "on_http_request: []\n";

    private static String host() {
        return "c" + UUID.randomUUID().toString().substring(0, 8) + ".localhost";
    }

    private static EndpointClaim claim(String host, String session, String policy) {
        return EndpointClaim.http(host, session, "owner", 1).withSettings(EndpointSettings.DEFAULTS.withTrafficPolicy(policy));
    }

    @Test
    void aPolicyChangedThroughOneNodeIsTheRecordTheOtherNodeReadsWithItsLinksKept() throws Exception {
        String host = host();
        Endpoint bound = await(nodeA.bind(claim(host, run + "s1", ALLOW)));
        Endpoint changed = await(nodeB.changePolicy(bound.id(), run + "s1", DENY));
        assertEquals(bound.id(), changed.id(), "the same endpoint, not a new one");
        assertEquals(DENY, await(nodeA.lookupHostname(host)).settings().trafficPolicy());
        EndpointRecord record = await(nodeB.record(EndpointRecord.keyOf(EndpointProtocol.HTTP, host, 0)));
        assertEquals(DENY, record.settings().trafficPolicy());
        assertEquals(List.of(run + "s1"), record.links().stream().map(LinkRef::sessionId).toList(), "links untouched");
        assertEquals(EndpointState.ONLINE, await(nodeB.lookupId(bound.id())).state());

        await(nodeA.changePolicy(bound.id(), run + "s1", null));
        assertNull(await(nodeB.lookupHostname(host)).settings().trafficPolicy(), "null removes the policy");
    }

    @Test
    void aSessionThatDoesNotServeTheEndpointCannotChangeItsPolicy() throws Exception {
        Endpoint bound = await(nodeA.bind(claim(host(), run + "s1", ALLOW)));
        assertEquals(ErrorCode.ENDPOINT_NOT_FOUND, refusal(() -> await(nodeA.changePolicy(bound.id(), run + "other", DENY))).code());
        assertEquals(ErrorCode.ENDPOINT_NOT_FOUND, refusal(() -> await(nodeA.changePolicy("ep_missing", run + "s1", DENY))).code());
        assertEquals(ALLOW, await(nodeA.lookupId(bound.id())).settings().trafficPolicy(), "unchanged");
    }

    @Test
    void aPoolHasOnePolicyAMemberBringingAnotherIsRefusedAndAChangeAppliesToThePool() throws Exception {
        String host = host();
        Endpoint first = await(nodeA.bind(claim(host, run + "s1", ALLOW).withPooling(true)));
        EndpointException mismatch = refusal(() -> await(nodeB.bind(claim(host, run + "s2", DENY).withPooling(true))));
        assertEquals(ErrorCode.POOL_POLICY_MISMATCH, mismatch.code());
        assertEquals(host + " is served by a pool whose traffic policy differs from this endpoint's; every member of a pool "
                + "must carry the same policy document", mismatch.getMessage());
        assertEquals(List.of(run + "s1"), await(nodeA.record(EndpointRecord.keyOf(EndpointProtocol.HTTP, host, 0)))
                .links().stream().map(LinkRef::sessionId).toList(), "the refused member did not join");

        await(nodeB.bind(claim(host, run + "s2", ALLOW).withPooling(true)));
        await(nodeB.changePolicy(first.id(), run + "s2", DENY));
        assertEquals(DENY, await(nodeA.lookupHostname(host)).settings().trafficPolicy(), "a member's change is the pool's");
    }

    private interface Call {
        Object run() throws Exception;
    }

    private static EndpointException refusal(Call call) {
        ExecutionException failed = assertThrows(ExecutionException.class, call::run);
        return assertInstanceOf(EndpointException.class, failed.getCause());
    }
}
