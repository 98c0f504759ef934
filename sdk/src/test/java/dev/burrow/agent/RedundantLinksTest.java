package dev.burrow.agent;

import dev.burrow.agent.testing.FakeEdge;
import dev.burrow.mux.LinkClosed;
import dev.burrow.mux.MuxStream;
import dev.burrow.mux.StreamMultiplexer;
import dev.burrow.protocol.ControlMessage;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.protocol.StreamOpen;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Redundant links against three fake edge nodes that list each other in AUTH_RESULT.edgeNodes: two links to
 * distinct nodes, every endpoint bound on each at the same address, service through the survivor when a node dies,
 * redial, a lone node, and the move after GO_AWAY. Real TLS sockets on loopback.
 */
@ExtendWith(VertxExtension.class)
class RedundantLinksTest {
    private static final long WAIT_SECONDS = 10;
    /** One certificate for every node, as a cluster's nodes share one CA; made once, key generation is slow. */
    private static final SelfSignedCertificate CERTIFICATE = SelfSignedCertificate.create("localhost");

    private Vertx vertx;
    private final List<FakeEdge> nodes = new ArrayList<>();
    private final List<SessionEvent> events = new CopyOnWriteArrayList<>();
    private BurrowSession session;

    @BeforeEach
    void startCluster(Vertx vertx) {
        this.vertx = vertx;
        for (int i = 0; i < 3; i++) {
            nodes.add(new FakeEdge(vertx, CERTIFICATE).start(0).await());
        }
        for (FakeEdge node : nodes) {
            node.edgeNodes(nodes.stream().filter(other -> other != node).map(FakeEdge::address).toList());
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (session != null) {
            session.close().await(WAIT_SECONDS, TimeUnit.SECONDS);
        }
        nodes.forEach(node -> node.close().await());
    }

    private SessionBuilder builder(FakeEdge first) {
        return BurrowSession.builder(vertx).serverAddress(first.address()).authtoken(FakeEdge.TOKEN)
                .edgeCa(first.caFile()).reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(200))
                .listener(events::add);
    }

    private EndpointListener echoEndpoint() throws Exception {
        EndpointListener listener = session.tcpEndpoint().listen().await(WAIT_SECONDS, TimeUnit.SECONDS);
        listener.connectionHandler(connection -> connection.pipeTo(connection));
        return listener;
    }

    @Test
    void keepsTwoLinksToDistinctNodesAndBindsEveryEndpointOnEach() throws Exception {
        FakeEdge a = nodes.get(0);
        session = builder(a).links(2).connect().await(WAIT_SECONDS, TimeUnit.SECONDS);
        session.httpEndpoint().hostname("multi.localhost").listen().await(WAIT_SECONDS, TimeUnit.SECONDS);
        EndpointListener tcpEndpoint = echoEndpoint();
        waitFor(() -> linkCount() == 2 && session.links().size() == 2);
        FakeEdge second = nodeWithLinkOtherThan(a);
        assertEquals(1, a.links().size());
        assertEquals(1, second.links().size());

        ControlMessage.Auth firstAuth = a.authMessages().get(0);
        assertFalse(firstAuth.additionalLink());
        ControlMessage.Auth secondAuth = second.authMessages().get(0);
        assertTrue(secondAuth.additionalLink(), secondAuth.toString());
        assertEquals(session.sessionId(), secondAuth.resumeSessionId());

        waitFor(() -> second.binds().size() == 2);
        ControlMessage.Bind http = bind(second, "http");
        assertEquals("multi.localhost", http.hostname());
        ControlMessage.Bind tcp = bind(second, "tcp");
        assertEquals(30000, tcp.port());
        assertEquals(Map.of(), tcp.options());

        assertEquals("echo via a", echo(a, "echo via a"));
        assertEquals("echo via second", echo(second, "echo via second"));
        assertEquals(2, session.endpoints().size(), session.endpoints().toString());

        String idOnA = lastTcpId(a);
        String idOnSecond = lastTcpId(second);
        tcpEndpoint.close().await(WAIT_SECONDS, TimeUnit.SECONDS);
        waitFor(() -> a.unbinds().equals(List.of(idOnA)) && second.unbinds().equals(List.of(idOnSecond)));
    }

    @Test
    void aSingleLinkAgentAlsoMovesOnGoAway() throws Exception {
        FakeEdge a = nodes.get(0);
        session = builder(a).links(1).connect().await(WAIT_SECONDS, TimeUnit.SECONDS);
        echoEndpoint();
        StreamMultiplexer oldLink = a.link();
        a.goAway();
        waitFor(() -> linkCount() == 1 && oldLink.isClosed());
        FakeEdge moved = nodeWithLinkOtherThan(a);
        assertTrue(moved.authMessages().get(0).additionalLink(), "joins the session while the old link drains");
        assertEquals("served after the move", echo(moved, "served after the move"));
        assertTrue(events.stream().noneMatch(e -> e instanceof SessionEvent.Disconnected), events.toString());
        assertEquals(List.of(new LinkInfo(moved.address(), false)), session.links());
    }

    @Test
    void keepsServingThroughTheOtherLinkWhenANodeDiesAndRedialsTheLostOne() throws Exception {
        TwoLinks linked = twoLinksAndAnEchoEndpoint();
        FakeEdge a = linked.first();
        FakeEdge survivor = linked.other();
        FakeEdge third = linked.spare();

        a.close().await();
        a.killLinks();
        assertEquals("still served", echo(survivor, "still served"));
        waitFor(() -> events.stream().anyMatch(e -> e instanceof SessionEvent.LinkLost));
        assertTrue(session.isConnected());

        waitFor(() -> third.links().size() == 1 && third.binds().size() == 1);
        ControlMessage.Auth redial = third.authMessages().get(third.authMessages().size() - 1);
        assertTrue(redial.additionalLink());
        assertEquals(session.sessionId(), redial.resumeSessionId());
        assertEquals(30000, third.binds().get(0).port());
        assertEquals("served by the new link", echo(third, "served by the new link"));
        waitFor(() -> events.stream().anyMatch(e -> e instanceof SessionEvent.LinkAdded added && added.links() == 2));
        assertTrue(events.stream().noneMatch(e -> e instanceof SessionEvent.Disconnected), events.toString());
        assertEquals("tcp://localhost:30000", session.endpoints().get(0).publicUrl());
    }

    @Test
    void aLoneNodeGivesOneLinkWithoutRetries() throws Exception {
        FakeEdge lone = nodes.get(0).edgeNodes(List.of());
        session = builder(lone).links(2).connect().await(WAIT_SECONDS, TimeUnit.SECONDS);
        echoEndpoint();
        assertEquals("alone", echo(lone, "alone"));
        // Nothing should happen: give a stray retry (backoff at most 200 ms) a few heartbeats to show itself.
        awaitHeartbeatRoundTrips(lone.link(), 4);
        assertEquals(1, lone.auths());
        assertEquals(0, nodes.get(1).auths() + nodes.get(2).auths());
        assertEquals(1, session.links().size());
        assertEquals(List.of(SessionEvent.Connected.class), events.stream().map(Object::getClass).toList());
    }

    @Test
    void anEdgeNodesUpdateLetsTheIdleSlotLinkToANodeThatJoined() throws Exception {
        FakeEdge lone = nodes.get(0).edgeNodes(List.of());
        FakeEdge joiner = nodes.get(1).edgeNodes(List.of(lone.address()));
        session = builder(lone).links(2).connect().await(WAIT_SECONDS, TimeUnit.SECONDS);
        echoEndpoint();
        waitFor(() -> lone.binds().size() == 1);
        assertTrue(lone.authMessages().get(0).supports(ControlMessage.Auth.FEATURE_EDGE_NODES),
                "the agent asks for membership updates");
        awaitHeartbeatRoundTrips(lone.link(), 2);
        assertEquals(0, joiner.auths(), "nothing to dial before the update");

        lone.link().sendControl(new ControlMessage.EdgeNodes(List.of(joiner.address())));
        waitFor(() -> joiner.links().size() == 1 && joiner.binds().size() == 1);
        assertEquals(2, linkCount());
        ControlMessage.Auth second = joiner.authMessages().get(0);
        assertTrue(second.additionalLink());
        assertEquals(session.sessionId(), second.resumeSessionId());
        assertEquals("via the joiner", echo(joiner, "via the joiner"));
    }

    @Test
    void goAwayMovesTheLinkToAnotherNodeBeforeTheOldOneCloses() throws Exception {
        TwoLinks linked = twoLinksAndAnEchoEndpoint();
        FakeEdge a = linked.first();
        FakeEdge third = linked.spare();

        StreamMultiplexer oldLink = a.link();
        MuxStream inFlight = oldLink.openStream(StreamOpen.tcp(lastTcpId(a), "9.9.9.9:1"));
        Buffer received = Buffer.buffer();
        inFlight.handler(received::appendBuffer);
        inFlight.write(Buffer.buffer("before "));
        waitFor(() -> received.toString().equals("before "));

        a.goAway();
        waitFor(() -> third.links().size() == 1 && third.binds().size() == 1);
        assertFalse(oldLink.isClosed(), "the old link stays until its streams are done");
        ControlMessage.Auth moved = third.authMessages().get(0);
        assertTrue(moved.additionalLink());
        assertEquals(session.sessionId(), moved.resumeSessionId());
        assertEquals("served by the new node", echo(third, "served by the new node"));

        Promise<Void> ended = Promise.promise();
        inFlight.endHandler(ended::tryComplete);
        inFlight.end(Buffer.buffer("after"));
        ended.future().await(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals("before after", received.toString());
        LinkClosed closed = oldLink.closeFuture().await(WAIT_SECONDS, TimeUnit.SECONDS);
        assertTrue(closed.byPeer(), "the agent closes the drained link: " + closed);
        assertEquals(ErrorCode.NO_ERROR, closed.code());
        waitFor(() -> session.links().size() == 2);
        assertTrue(events.stream().noneMatch(e -> e instanceof SessionEvent.Disconnected), events.toString());
    }

    @Test
    void aNodeThatClosesWithGoingAwayAtOnceIsReplacedToo() throws Exception {
        TwoLinks linked = twoLinksAndAnEchoEndpoint();
        FakeEdge a = linked.first();
        FakeEdge other = linked.other();
        FakeEdge third = linked.spare();
        a.close().await();
        a.links().forEach(link -> link.close(ErrorCode.GOING_AWAY, "the edge node is shutting down"));
        assertEquals("served meanwhile", echo(other, "served meanwhile"));
        waitFor(() -> third.links().size() == 1 && third.binds().size() == 1);
        assertEquals("served by the third node", echo(third, "served by the third node"));
        assertTrue(events.stream().noneMatch(e -> e instanceof SessionEvent.Disconnected), events.toString());
    }

    @Test
    void poolingIsAskedForInTheBindOptions() throws Exception {
        FakeEdge a = nodes.get(0).edgeNodes(List.of());
        session = builder(a).connect().await(WAIT_SECONDS, TimeUnit.SECONDS);
        session.httpEndpoint().subdomain("pooled").pooling(true).listen().await(WAIT_SECONDS, TimeUnit.SECONDS);
        session.tcpEndpoint().listen().await(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(Map.of("pooling", "true"), a.binds().get(0).options());
        assertEquals(Map.of(), a.binds().get(1).options());
    }

    @Test
    void triesTheNextFirstContactAddressWhenOneIsDown() throws Exception {
        FakeEdge down = nodes.get(0);
        FakeEdge up = nodes.get(1).edgeNodes(List.of());
        String downAddress = down.address();
        down.close().await();
        session = BurrowSession.builder(vertx).serverAddresses(List.of(downAddress, up.address()))
                .authtoken(FakeEdge.TOKEN).edgeCa(up.caFile()).reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(200))
                .listener(events::add).connect().await(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(1, up.links().size());
        assertTrue(events.get(0) instanceof SessionEvent.ConnectFailed failed && failed.edgeAddress().equals(downAddress),
                events.toString());
    }

    /** The nodes of a 2-link session: the one dialed first, the other one linked, and the spare one. */
    private record TwoLinks(FakeEdge first, FakeEdge other, FakeEdge spare) {
    }

    /** A 2-link session dialing node 0 first, with a TCP echo endpoint bound on both links. */
    private TwoLinks twoLinksAndAnEchoEndpoint() throws Exception {
        FakeEdge first = nodes.get(0);
        session = builder(first).links(2).connect().await(WAIT_SECONDS, TimeUnit.SECONDS);
        waitFor(() -> linkCount() == 2);
        echoEndpoint();
        FakeEdge other = nodeWithLinkOtherThan(first);
        FakeEdge spare = nodes.stream().filter(node -> node != first && node != other).findFirst().orElseThrow();
        waitFor(() -> first.binds().size() == 1 && other.binds().size() == 1);
        return new TwoLinks(first, other, spare);
    }

    private int linkCount() {
        return nodes.stream().mapToInt(node -> node.links().size()).sum();
    }

    private FakeEdge nodeWithLinkOtherThan(FakeEdge first) {
        List<FakeEdge> linked = nodes.stream().filter(node -> node != first && !node.links().isEmpty()).toList();
        assertEquals(1, linked.size(), "exactly one other node has a link");
        assertNotSame(first, linked.get(0));
        return linked.get(0);
    }

    private static ControlMessage.Bind bind(FakeEdge node, String proto) {
        return node.binds().stream().filter(b -> b.proto().equals(proto)).findFirst().orElseThrow();
    }

    private static String lastTcpId(FakeEdge node) {
        List<ControlMessage.BindResult> results = node.bindResults().stream()
                .filter(r -> r.publicUrl().startsWith("tcp://")).toList();
        return results.get(results.size() - 1).endpointId();
    }

    /** Sends {@code text} through the node's link to the echo endpoint and returns what comes back. */
    private static String echo(FakeEdge node, String text) throws Exception {
        MuxStream stream = node.link().openStream(StreamOpen.tcp(lastTcpId(node), "1.2.3.4:5"));
        Promise<String> done = Promise.promise();
        Buffer received = Buffer.buffer();
        stream.handler(received::appendBuffer);
        stream.endHandler(v -> done.tryComplete(received.toString()));
        stream.exceptionHandler(done::tryFail);
        stream.end(Buffer.buffer(text));
        return done.future().await(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * Waits for {@code n} heartbeat round trips (200 ms apart) on the edge's side of a link: proof that time passed
     * and both event loops ran, however loaded the machine, where a fixed sleep proves neither. Each heartbeat ACK
     * stores a new Duration, so a change of identity is one round trip.
     */
    private static void awaitHeartbeatRoundTrips(StreamMultiplexer link, int n) throws InterruptedException {
        for (int i = 0; i < n; i++) {
            Duration before = link.lastRoundTrip();
            waitFor(() -> link.lastRoundTrip() != before);
        }
    }

    private static void waitFor(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + WAIT_SECONDS + " s");
            }
            Thread.sleep(20);
        }
    }

}
