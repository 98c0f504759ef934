package dev.burrow.edge.registry;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Endpoint pooling in the registry: several sessions of one owner serve one hostname or port when all ask for it. */
class PooledEndpointRegistryTest extends TwoNodeRegistryTest {
    private static String host() {
        return "p" + UUID.randomUUID().toString().substring(0, 8) + ".localhost";
    }

    private static EndpointClaim pooled(String host, String session, String owner) {
        return EndpointClaim.http(host, session, owner, 1).withPooling(true);
    }

    @Test
    void twoPooledSessionsOfOneOwnerBothServeAHostname() throws Exception {
        String host = host();
        Endpoint first = await(nodeA.bind(pooled(host, run + "s1", "owner")));
        Endpoint second = await(nodeB.bind(pooled(host, run + "s2", "owner")));
        assertEquals(first.id(), second.id(), "one endpoint, shared");
        EndpointRecord record = await(nodeA.record(EndpointRecord.keyOf(EndpointProtocol.HTTP, host, 0)));
        assertTrue(record.pooled());
        assertEquals(List.of(run + "s1", run + "s2"), record.links().stream().map(LinkRef::sessionId).toList());
    }

    @Test
    void aNonPooledBindOfAPooledNameIsRefusedAndSoIsAnotherOwner() throws Exception {
        String host = host();
        await(nodeA.bind(pooled(host, run + "s1", "owner")));
        EndpointException notPooled = assertThrows(EndpointException.class, () -> unwrap(() ->
                await(nodeB.bind(EndpointClaim.http(host, run + "s2", "owner", 1)))));
        assertEquals(dev.burrow.protocol.ErrorCode.HOSTNAME_IN_USE, notPooled.code());
        assertThrows(EndpointException.class, () -> unwrap(() -> await(nodeB.bind(pooled(host, run + "s3", "other-owner")))));
    }

    @Test
    void whenTheOwnerLeavesThePoolTheOtherSessionKeepsTheEndpoint() throws Exception {
        String host = host();
        Endpoint bound = await(nodeA.bind(pooled(host, run + "s1", "owner")));
        await(nodeB.bind(pooled(host, run + "s2", "owner")));
        await(nodeA.markOffline(run + "s1", Long.MAX_VALUE));
        Endpoint after = await(nodeA.lookupHostname(host));
        assertEquals(EndpointState.ONLINE, after.state());
        assertEquals(run + "s2", after.sessionId(), "ownership passed to the session still serving");
        assertTrue(await(nodeA.removeOffline(run + "s1")).isEmpty(), "nothing of s1 to remove");
        Endpoint unbound = await(nodeB.unbind(bound.id(), run + "s2"));
        assertEquals(EndpointState.OFFLINE, unbound.state());
        assertNull(await(nodeA.lookupHostname(host)));
    }

    @Test
    void unbindingOneSessionOfAPoolKeepsTheOthers() throws Exception {
        String host = host();
        Endpoint bound = await(nodeA.bind(pooled(host, run + "s1", "owner")));
        await(nodeB.bind(pooled(host, run + "s2", "owner")));
        Endpoint left = await(nodeA.unbind(bound.id(), run + "s1"));
        assertEquals(EndpointState.ONLINE, left.state());
        Endpoint after = await(nodeB.lookupHostname(host));
        assertEquals(run + "s2", after.sessionId());
        assertEquals(bound.id(), await(nodeB.lookupId(bound.id())).id(), "the id still resolves");
    }

    private interface Call {
        Object run() throws Exception;
    }

    private static void unwrap(Call call) throws Throwable {
        try {
            call.run();
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause();
        }
    }
}
