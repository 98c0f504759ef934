package dev.burrow.edge.registry;

import com.hazelcast.core.Hazelcast;
import dev.burrow.edge.cluster.EpochMergePolicy;
import dev.burrow.protocol.ErrorCode;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The registry's ownership and epoch rules on an embedded Hazelcast member; two registries with different node ids
 * stand for two nodes of one cluster.
 */
class HazelcastEndpointRegistryTest extends TwoNodeRegistryTest {
    private static String host() {
        return "h" + UUID.randomUUID().toString().substring(0, 8) + ".localhost";
    }

    /**
     * A node with its event-fed copy: a miss is remembered (so a hostname served elsewhere costs no Hazelcast call per
     * request), yet a bind on this node or an event from another node makes the hostname found at once; lookups by
     * endpoint id (streams relayed from another region) are answered from the copy.
     */
    @Test
    void nodeWithALocalCopyFindsNewBindsDespiteRememberedMisses() throws Exception {
        HazelcastEndpointRegistry nodeC = new HazelcastEndpointRegistry(vertx, hazelcast, "member-c", "c");
        dev.burrow.edge.cluster.EndpointMirror mirror = new dev.burrow.edge.cluster.EndpointMirror(r -> { }, r -> { });
        UUID listener = nodeC.listen(mirror::changed, mirror::removed);
        nodeC.useLocalView(mirror::record);
        nodeC.useLocalKeys(mirror::keyOf);
        try {
            String here = host();
            assertNull(await(nodeC.lookupHostname(here)));
            Endpoint bound = await(nodeC.bind(EndpointClaim.http(here, run + "s1", "owner-1", 1)));
            assertEquals(bound.id(), await(nodeC.lookupHostname(here)).id());

            String elsewhere = host();
            assertNull(await(nodeC.lookupHostname(elsewhere)));
            Endpoint remote = await(nodeB.bind(EndpointClaim.http(elsewhere, run + "s2", "owner-2", 1)));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            Endpoint found = null;
            while (found == null && System.nanoTime() < deadline) {
                found = await(nodeC.lookupHostname(elsewhere));
                if (found == null) {
                    Thread.sleep(20);
                }
            }
            assertEquals(remote.id(), found == null ? null : found.id());
            assertEquals("h:" + elsewhere, mirror.keyOf(remote.id()));
            assertEquals(remote.id(), await(nodeC.lookupId(remote.id())).id());
            assertNull(await(nodeC.lookupId("ep_nosuchendpoint")));
        } finally {
            nodeC.stopListening(listener);
        }
    }

    /**
     * Internal names are per account: two accounts bind the same {@code NAME.internal} through two nodes, each account's
     * lookup finds its own on either node, a third account and every public lookup find nothing, and within one account
     * the name is still one endpoint.
     */
    @Test
    void eachAccountHasItsOwnInternalNames() throws Exception {
        String name = "api" + UUID.randomUUID().toString().substring(0, 8) + ".internal";
        Endpoint one = await(nodeA.bind(EndpointClaim.http(name, run + "s1", "tenant:one", 1)));
        Endpoint two = await(nodeB.bind(EndpointClaim.http(name, run + "s2", "tenant:two", 1)));

        assertTrue(!one.id().equals(two.id()), "two endpoints");
        assertEquals(one.id(), await(nodeB.lookupInternal("tenant:one", name)).id());
        assertEquals(two.id(), await(nodeA.lookupInternal("tenant:two", name)).id());
        assertEquals(two.id(), await(nodeB.lookupInternal("tenant:two", name)).id());
        assertNull(await(nodeA.lookupInternal("tenant:three", name)), "another account's endpoint is never found");
        assertNull(await(nodeA.lookupHostname(name)), "no public lookup finds an internal name");
        assertEquals("i:" + name + "@tenant:one", await(nodeA.lookupId(one.id())).key());

        Exception e = assertThrows(Exception.class, () -> await(nodeB.bind(EndpointClaim.http(name, run + "s3", "tenant:one", 1))));
        assertEquals(ErrorCode.HOSTNAME_IN_USE, ((EndpointException) e.getCause()).code(), "one account: one endpoint per name");

        await(nodeA.unbind(one.id(), run + "s1"));
        assertNull(await(nodeB.lookupInternal("tenant:one", name)));
        assertEquals(two.id(), await(nodeB.lookupInternal("tenant:two", name)).id(), "the other account's stays");
    }

    @Test
    void secondSessionCannotTakeAnOnlineHostname() throws Exception {
        String host = host();
        await(nodeA.bind(EndpointClaim.http(host, run + "s1", "owner-1", 1)));
        Exception e = assertThrows(Exception.class, () -> await(nodeB.bind(EndpointClaim.http(host, run + "s2", "owner-1", 1))));
        assertEquals(ErrorCode.HOSTNAME_IN_USE, ((EndpointException) e.getCause()).code());
    }

    @Test
    void sameSessionOnAnotherNodeAddsALink() throws Exception {
        String host = host();
        Endpoint first = await(nodeA.bind(EndpointClaim.http(host, run + "s1", "owner-1", 1)));
        Endpoint second = await(nodeB.bind(EndpointClaim.http(host, run + "s1", "owner-1", 7)));
        assertEquals(first.id(), second.id());
        EndpointRecord record = await(nodeA.record("h:" + host));
        assertEquals(List.of("member-a", "member-b"), record.links().stream().map(LinkRef::node).toList());
        // Node A's link drops: still ONLINE through node B.
        await(nodeA.markOffline(run + "s1", 1));
        assertEquals(EndpointState.ONLINE, await(nodeA.lookupHostname(host)).state());
        await(nodeB.markOffline(run + "s1", 7));
        assertEquals(EndpointState.OFFLINE, await(nodeA.lookupHostname(host)).state());
    }

    /**
     * A link's keyed clean-up reports back on the caller's event loop (not on a Hazelcast thread), and an endpoint whose
     * key cannot be found (here this node's copy fails for it; in a cluster the id index's read can fail) does not keep
     * the others from going offline.
     */
    @Test
    void aKeyedMarkOfflineAnswersOnTheCallersContextAndAKeyItCannotFindDoesNotHoldBackTheOthers() throws Exception {
        String first = host();
        String second = host();
        Endpoint one = await(nodeA.bind(EndpointClaim.http(first, run + "s1", "owner-1", 1)));
        Endpoint two = await(nodeA.bind(EndpointClaim.http(second, run + "s1", "owner-1", 1)));
        HazelcastEndpointRegistry sameNode = new HazelcastEndpointRegistry(vertx, hazelcast, "member-a", "a");
        sameNode.useLocalKeys(id -> {
            if (id.equals("ep_unreadable")) {
                throw new IllegalStateException("this node's copy cannot be read");
            }
            return null;  // not in the copy: asked from the id index
        });
        Context caller = vertx.getOrCreateContext();
        CompletableFuture<Context> answeredOn = new CompletableFuture<>();
        CompletableFuture<List<Endpoint>> offline = new CompletableFuture<>();
        caller.runOnContext(v -> sameNode.markOffline(run + "s1", 1, List.of(one.id(), "ep_unreadable", two.id())).onComplete(ar -> {
            answeredOn.complete(Vertx.currentContext());
            if (ar.succeeded()) {
                offline.complete(ar.result());
            } else {
                offline.completeExceptionally(ar.cause());
            }
        }));
        assertSame(caller, answeredOn.get(10, TimeUnit.SECONDS), "answered on the caller's context");
        assertEquals(Set.of(one.id(), two.id()), offline.get(10, TimeUnit.SECONDS).stream().map(Endpoint::id).collect(Collectors.toSet()));
        assertEquals(EndpointState.OFFLINE, await(nodeA.lookupHostname(first)).state());
        assertEquals(EndpointState.OFFLINE, await(nodeA.lookupHostname(second)).state());
    }

    @Test
    void sameSessionWithAnotherTokenIsRefused() throws Exception {
        String host = host();
        await(nodeA.bind(EndpointClaim.http(host, run + "s1", "owner-1", 1)));
        assertThrows(Exception.class, () -> await(nodeB.bind(EndpointClaim.http(host, run + "s1", "owner-2", 1))));
    }

    @Test
    void lateCleanupOfAnOldLinkDoesNotRemoveItsSuccessor() throws Exception {
        String host = host();
        await(nodeA.bind(EndpointClaim.http(host, run + "s1", "owner-1", 10)));
        // The link is replaced (epoch 11) and re-binds before the old link's cleanup (epoch 10) arrives.
        await(nodeA.bind(EndpointClaim.http(host, run + "s1", "owner-1", 11)));
        assertTrue(await(nodeA.markOffline(run + "s1", 10)).isEmpty());
        assertEquals(EndpointState.ONLINE, await(nodeA.lookupHostname(host)).state());
    }

    @Test
    void takeoverRaisesTheEpochAndTheStaleSessionCanNoLongerTouchIt() throws Exception {
        String host = host();
        Endpoint bound = await(nodeA.bind(EndpointClaim.http(host, run + "s1", "owner-1", 1)));
        long epoch = await(nodeA.record("h:" + host)).epoch();
        await(nodeA.markOffline(run + "s1", 1));
        Endpoint takenOver = await(nodeB.bind(EndpointClaim.http(host, run + "s2", "owner-1", 1)));
        assertEquals(bound.id(), takenOver.id(), "the endpoint keeps its id");
        EndpointRecord record = await(nodeA.record("h:" + host));
        assertTrue(record.epoch() > epoch, "a new owner means a new epoch");
        // The stale node still thinks s1 owns the name: its unbind, cleanup and re-bind change nothing.
        assertThrows(Exception.class, () -> await(nodeA.unbind(bound.id(), run + "s1")));
        assertTrue(await(nodeA.removeOffline(run + "s1")).isEmpty());
        assertThrows(Exception.class, () -> await(nodeA.bind(EndpointClaim.http(host, run + "s1", "owner-1", 2))));
        assertEquals(run + "s2", await(nodeA.lookupHostname(host)).sessionId());
    }

    @Test
    void purgeOfAGoneNodeDropsOnlyItsLinks() throws Exception {
        String host = host();
        await(nodeA.bind(EndpointClaim.http(host, run + "s1", "owner-1", 1)));
        await(nodeB.bind(EndpointClaim.http(host, run + "s1", "owner-1", 1)));
        String onlyB = host();
        await(nodeB.bind(EndpointClaim.http(onlyB, run + "s3", "owner-1", 1)));
        await(nodeA.purgeNode("member-b"));
        assertEquals(List.of("member-a"), await(nodeA.record("h:" + host)).links().stream().map(LinkRef::node).toList());
        assertEquals(EndpointState.OFFLINE, await(nodeA.lookupHostname(onlyB)).state());
        assertEquals(1, await(nodeA.removeOffline(run + "s3")).size());
        assertNull(await(nodeA.lookupHostname(onlyB)));
    }

    @Test
    void tcpPortsCollideLikeHostnamesAndUnbindOnlyByOwner() throws Exception {
        int port = 40000 + (int) (Math.random() * 10000);
        Endpoint tcp = await(nodeA.bind(EndpointClaim.tcp(port, run + "s1", "owner-1", 1)));
        Exception e = assertThrows(Exception.class, () -> await(nodeB.bind(EndpointClaim.tcp(port, run + "s2", "owner-2", 1))));
        assertEquals(ErrorCode.PORT_UNAVAILABLE, ((EndpointException) e.getCause()).code());
        assertThrows(Exception.class, () -> await(nodeB.unbind(tcp.id(), run + "s2")));
        assertEquals(tcp.id(), await(nodeA.lookupId(tcp.id())).id());
        await(nodeA.unbind(tcp.id(), run + "s1"));
        assertNull(await(nodeA.lookupPort(port)));
        assertNull(await(nodeA.lookupId(tcp.id())));
    }

    @Test
    void mergeKeepsTheHigherEpoch() {
        EndpointRecord older = new EndpointRecord("ep_1", EndpointProtocol.HTTP, "x.localhost", 0, run + "s1", "o", 100, List.of());
        EndpointRecord newer = new EndpointRecord("ep_2", EndpointProtocol.HTTP, "x.localhost", 0, run + "s2", "o", 200, List.of());
        assertTrue(newer.supersedes(older));
        assertTrue(!older.supersedes(newer));
        EndpointRecord tie = new EndpointRecord("ep_0", EndpointProtocol.HTTP, "x.localhost", 0, run + "s3", "o", 200, List.of());
        assertTrue(tie.supersedes(newer) != newer.supersedes(tie), "ties break one way only");
        assertTrue(new EpochMergePolicy() != null);
    }
}
