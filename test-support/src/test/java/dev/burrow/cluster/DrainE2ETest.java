package dev.burrow.cluster;

import dev.burrow.testsupport.Await;
import dev.burrow.testsupport.DeterministicBytes;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.cluster.EdgeCluster;
import dev.burrow.testsupport.cluster.SteadyLoad;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM drains a node under load: a 3-node cluster (separate JVMs), a 2-link agent that dialed node 0 first, a
 * steady load of 20 req/s for 10 s through all three nodes, and four slow exchanges in flight at node 0 when it gets
 * SIGTERM (the upstream holds them until node 0 refuses new connections, then sends the rest over 2 s, so they are in
 * flight however slow the machine). Node 0 refuses new connections at once, still completes the four slow exchanges
 * with 200 and their full bodies, answers a request sent after that on a connection it had accepted before (one that
 * had sent nothing yet), exits 0 within its drain timeout; the nodes still accepting answer every request; the agent's two
 * live links end up on the other nodes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DrainE2ETest extends ClusterWithAgentTest {
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);
    private static final int SLOW_REQUESTS = 4;
    private static final int SLOW_BYTES = 20_000;
    private static final int LOAD_RATE = 20;
    private static final Duration LOAD_DURATION = Duration.ofSeconds(10);
    @Test
    void aDrainedNodeFinishesItsExchangesLosesNoRequestAtTheOthersAndExitsZero() throws Exception {
        startClusterAndAgent(() -> EdgeCluster.start(3, "1s", "--drain-timeout", DRAIN_TIMEOUT.toSeconds() + "s"), "drained");
        EdgeProcess draining = cluster.node(0);

        SteadyLoad load = new SteadyLoad(cluster.nodes(), "drained");
        CompletableFuture<Void> loadRun = CompletableFuture.runAsync(() ->
                load.run(LOAD_RATE, LOAD_DURATION, Duration.ofSeconds(5)));
        ClusterTestSupport.sleep(1_000);

        List<CompletableFuture<String>> slow = new ArrayList<>();
        for (int i = 0; i < SLOW_REQUESTS; i++) {
            String path = "/slow?ms=2000&hold=1&n=" + SLOW_BYTES + "&i=" + i;
            slow.add(CompletableFuture.supplyAsync(() -> ClusterTestSupport.getOrError(draining, "drained", path, Duration.ofSeconds(20))));
        }
        Await.until(() -> upstream.requests().stream().filter(r -> r.uri().startsWith("/slow")).count() == SLOW_REQUESTS,
                Duration.ofSeconds(5), Duration.ofMillis(20), () -> "the slow requests did not reach the upstream");

        java.net.Socket acceptedBeforeDrain = new java.net.Socket(draining.bindAddress(), draining.httpPort());
        long t0 = System.nanoTime();
        draining.terminate();
        long refusedAfter;
        boolean slowStillInFlight;
        String lateAnswer;
        try (acceptedBeforeDrain) {
            refusedAfter = ClusterTestSupport.awaitRefused(draining, Duration.ofSeconds(5));
            slowStillInFlight = slow.stream().noneMatch(CompletableFuture::isDone);
            lateAnswer = requestOn(acceptedBeforeDrain, draining);
        } finally {
            upstream.releaseHeld();
        }
        int exit = draining.process().awaitExit(DRAIN_TIMEOUT.plusSeconds(20));
        long drainMillis = (System.nanoTime() - t0) / 1_000_000;
        loadRun.get(60, TimeUnit.SECONDS);

        System.out.printf("drain: node0 refused new connections %d ms after SIGTERM, exited %d after %d ms; node0 %s; node1 %s; node2 %s%n",
                refusedAfter, exit, drainMillis, load.counts(draining), load.counts(cluster.node(1)), load.counts(cluster.node(2)));
        assertTrue(slowStillInFlight, "the slow exchanges were still in flight when node 0 refused new connections");
        assertTrue(lateAnswer.startsWith("HTTP/1.1 200"), "a request on a connection accepted before the drain, sent after "
                + "the listener closed: " + (lateAnswer.isEmpty() ? "closed without an answer" : abbreviate(lateAnswer)));
        byte[] expected = DeterministicBytes.slice(0, SLOW_BYTES);
        for (CompletableFuture<String> response : slow) {
            String raw = response.get(30, TimeUnit.SECONDS);
            assertTrue(raw.startsWith("HTTP/1.1 200"), "an in-flight exchange at the draining node: " + abbreviate(raw));
            byte[] body = ClusterTestSupport.body(raw);
            assertEquals(SLOW_BYTES, body.length, "body length of an in-flight exchange");
            assertArrayEquals(expected, body, "body of an in-flight exchange");
        }
        assertEquals(List.of(), load.counts(cluster.node(1)).failures, "failed requests at node 1");
        assertEquals(List.of(), load.counts(cluster.node(2)).failures, "failed requests at node 2");
        // Round robin over 3 nodes gives node 1 a third of the load; 0.6 of that leaves room for a slow machine.
        long expectedAtNode1 = LOAD_RATE * LOAD_DURATION.toSeconds() / 3;
        assertTrue(load.counts(cluster.node(1)).succeeded.get() >= 0.6 * expectedAtNode1,
                "node 1 served the load (about " + expectedAtNode1 + " expected): " + load.counts(cluster.node(1)));
        assertEquals(0, exit, "the drained node's exit code");
        assertTrue(drainMillis < DRAIN_TIMEOUT.toMillis(), "drain took " + drainMillis + " ms");

        // The agent moved: two live links, none to the drained node.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<String> links = ClusterTestSupport.liveLinks(agent);
        while (System.nanoTime() < deadline && (links.size() < 2 || links.contains(draining.serverAddress()))) {
            ClusterTestSupport.sleep(200);
            links = ClusterTestSupport.liveLinks(agent);
        }
        assertEquals(2, links.size(), "the agent's live links: " + links);
        assertFalse(links.contains(draining.serverAddress()), "no link to the drained node: " + links);
        ClusterTestSupport.awaitServing(List.of(cluster.node(1), cluster.node(2)), "drained", Duration.ofSeconds(5));
    }

    /** A GET sent on an open connection; the whole answer, or what the failure was. */
    private static String requestOn(java.net.Socket socket, EdgeProcess node) {
        try {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /echo?late=1 HTTP/1.1\r\nHost: " + node.hostHeader("drained")
                    + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private static String abbreviate(String raw) {
        return raw.length() <= 300 ? raw : raw.substring(0, 300) + "…";
    }
}
