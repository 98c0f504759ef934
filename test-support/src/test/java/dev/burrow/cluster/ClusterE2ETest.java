package dev.burrow.cluster;

import dev.burrow.protocol.ProtocolLimits;
import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.FreePorts;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.TcpEchoServer;
import dev.burrow.testsupport.UdpProbe;
import dev.burrow.testsupport.UdpUpstreams;
import dev.burrow.testsupport.Upstream;
import dev.burrow.testsupport.cluster.EdgeCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Three edge nodes (separate JVMs) forming one cluster, real agents that dial node 0 first, a real upstream: every
 * node reaches the upstream (relay), a TCP endpoint and a UDP endpoint answer on every node, and after kill -9 of node 0 the survivors
 * answer at once (never hang) and both a 2-link and a 1-link agent's URLs serve again.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterE2ETest {
    private static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(1);
    /**
     * How long a silent link lives before it is declared dead. A request that waited for a dead node's link to be
     * detected would take at least this long; one that failed over fast takes less, however loaded the machine.
     */
    private static final Duration DEAD_LINK_DETECTION = HEARTBEAT_INTERVAL.multipliedBy(ProtocolLimits.HEARTBEAT_TOLERANCE);
    private static Upstream upstream;
    private static TcpEchoServer echo;
    private static EdgeCluster cluster;
    private static AgentProcess httpAgent;
    private static AgentProcess tcpAgent;
    private static AgentProcess singleLinkAgent;
    private static UdpUpstreams.Service udpEcho;
    private static AgentProcess udpAgent;
    private static AgentProcess limitedAgent;
    private static java.nio.file.Path limitPolicy;
    /** The rate-limit policy's capacity; its window is an hour, so the test never straddles a window's end. */
    private static final int CLUSTER_CAPACITY = 6;

    @BeforeAll
    static void startAll() {
        long started = System.nanoTime();
        upstream = Upstream.start();
        echo = TcpEchoServer.start();
        cluster = EdgeCluster.start(3, HEARTBEAT_INTERVAL.toSeconds() + "s", "--udp-ports", FreePorts.freeUdpRange(8).flag());
        System.out.printf("3-node cluster up in %d ms%n", (System.nanoTime() - started) / 1_000_000);
        httpAgent = AgentProcess.http(cluster.node(0), upstream.httpAddress()).subdomain("relayed").start();
        tcpAgent = AgentProcess.tcp(cluster.node(0), echo.address()).start();
        singleLinkAgent = AgentProcess.http(cluster.node(0), upstream.httpAddress()).subdomain("single").arg("--links", "1").start();
        try {
            limitPolicy = java.nio.file.Files.createTempFile("burrow-cluster-limit-", ".yml");
            java.nio.file.Files.writeString(limitPolicy, """
                    on_http_request:
                      - actions:
                          - type: rate-limit
                            config: {capacity: %d, rate: 1h}
                    """.formatted(CLUSTER_CAPACITY));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        limitedAgent = AgentProcess.http(cluster.node(0), upstream.httpAddress()).subdomain("limited")
                .arg("--traffic-policy-file", limitPolicy.toString()).start();
        if (UdpUpstreams.installed("socat")) {
            udpEcho = UdpUpstreams.socatEcho();
            udpAgent = AgentProcess.udp(cluster.node(0), udpEcho.address()).arg("--links", "1").start();
        }
    }

    @AfterAll
    static void stopAll() {
        Closeables.closeAll(udpAgent, httpAgent, tcpAgent, singleLinkAgent, limitedAgent, cluster, udpEcho, echo, upstream);
        if (limitPolicy != null) {
            limitPolicy.toFile().delete();
        }
    }

    @Test
    @Order(1)
    void aRequestThroughEveryNodeReachesTheUpstream() throws IOException {
        for (EdgeProcess node : cluster.nodes()) {
            for (int i = 0; i < 5; i++) {
                String response;
                try {
                    response = ClusterTestSupport.get(node, "relayed", "/echo?via=" + node.bindAddress() + "&n=" + i, Duration.ofSeconds(10));
                } catch (IOException e) {
                    throw new AssertionError("request " + i + " via " + node + ": " + e, e);
                }
                assertTrue(response.startsWith("HTTP/1.1 200"), "via " + node + ": " + firstLine(response));
                assertTrue(response.toLowerCase(java.util.Locale.ROOT).contains(Upstream.UPSTREAM_HEADER.toLowerCase(java.util.Locale.ROOT)
                        + ": " + Upstream.UPSTREAM_HEADER_VALUE), "the answer came from the upstream: " + response);
            }
        }
        for (EdgeProcess node : cluster.nodes()) {
            assertEquals(5, upstream.requests().stream().filter(r -> r.uri().startsWith("/echo?via=" + node.bindAddress() + "&")).count(),
                    "requests through " + node.bindAddress() + " that reached the upstream");
        }
    }

    /**
     * A policy changed through the agent API (the agent links to node 0 only) is the one every node applies: nodes 1 and
     * 2 relay to node 0 and learn the endpoint's new record, so their answers carry the new header at once, and removing
     * the policy removes it everywhere.
     */
    @Test
    @Order(1)
    void aPolicyChangedThroughOneNodeIsAppliedByEveryNode() throws IOException {
        String policy = "on_http_response:\n  - actions:\n      - type: add-headers\n        config: {headers: {x-live-policy: cluster}}\n";
        java.net.http.HttpResponse<String> put = dev.burrow.testsupport.AgentApi.call(singleLinkAgent, "PUT", "/api/endpoints/command_line",
                new io.vertx.core.json.JsonObject().put("traffic_policy", policy).encode());
        assertEquals(200, put.statusCode(), put.body());
        long changed = System.nanoTime();
        for (EdgeProcess node : cluster.nodes()) {
            String response = ClusterTestSupport.get(node, "single", "/echo?live-policy=" + node.bindAddress(), Duration.ofSeconds(10));
            while (!response.toLowerCase(java.util.Locale.ROOT).contains("x-live-policy: cluster")
                    && System.nanoTime() - changed < Duration.ofSeconds(10).toNanos()) {
                sleep(50);
                response = ClusterTestSupport.get(node, "single", "/echo?live-policy=" + node.bindAddress(), Duration.ofSeconds(10));
            }
            assertTrue(response.toLowerCase(java.util.Locale.ROOT).contains("x-live-policy: cluster"), "via " + node + ": " + response);
        }
        System.out.printf("a live policy change was applied by all 3 nodes within %d ms of the API's answer%n",
                (System.nanoTime() - changed) / 1_000_000);
        assertEquals(200, dev.burrow.testsupport.AgentApi.call(singleLinkAgent, "PUT", "/api/endpoints/command_line",
                "{\"traffic_policy\": null}").statusCode());
        for (EdgeProcess node : cluster.nodes()) {
            String response = ClusterTestSupport.get(node, "single", "/echo?live-policy=removed", Duration.ofSeconds(10));
            long removed = System.nanoTime();
            while (response.toLowerCase(java.util.Locale.ROOT).contains("x-live-policy") && System.nanoTime() - removed < Duration.ofSeconds(10).toNanos()) {
                sleep(50);
                response = ClusterTestSupport.get(node, "single", "/echo?live-policy=removed", Duration.ofSeconds(10));
            }
            assertTrue(response.startsWith("HTTP/1.1 200") && !response.toLowerCase(java.util.Locale.ROOT).contains("x-live-policy"),
                    "via " + node + ": " + response);
        }
    }

    /**
     * A rate-limit's capacity holds for the endpoint across the cluster, not per node: requests spread over three nodes
     * get exactly the capacity through (per-node counters would let three times as many through), the rest 429.
     */
    @Test
    @Order(1)
    void aRateLimitHoldsItsCapacityAcrossEveryNode() throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        int ok = 0;
        int limited = 0;
        for (int i = 0; i < 3 * CLUSTER_CAPACITY; i++) {
            EdgeProcess node = cluster.node(i % 3);
            String response = ClusterTestSupport.get(node, "limited", "/echo?limited=" + i, Duration.ofSeconds(10));
            // A node that has not learned the endpoint yet answers without asking the policy: ask it again.
            while (!response.startsWith("HTTP/1.1 200") && !response.startsWith("HTTP/1.1 429") && System.nanoTime() < deadline) {
                sleep(200);
                response = ClusterTestSupport.get(node, "limited", "/echo?limited=" + i, Duration.ofSeconds(10));
            }
            if (response.startsWith("HTTP/1.1 200")) {
                ok++;
            } else if (response.startsWith("HTTP/1.1 429")) {
                limited++;
                assertTrue(response.toLowerCase(java.util.Locale.ROOT).contains("retry-after:"), response);
            } else {
                throw new AssertionError("via " + node + ": " + firstLine(response));
            }
        }
        assertEquals(CLUSTER_CAPACITY, ok, "requests let through, cluster-wide");
        assertEquals(2 * CLUSTER_CAPACITY, limited);
        assertEquals(CLUSTER_CAPACITY, upstream.requests().stream().filter(r -> r.uri().startsWith("/echo?limited=")).count(),
                "requests that reached the upstream");
    }

    @Test
    @Order(2)
    void aTcpEndpointIsReachableThroughEveryNode() throws IOException {
        int port = tcpAgent.publicPort();
        for (EdgeProcess node : cluster.nodes()) {
            byte[] sent = ("hello via " + node.httpPort()).getBytes(StandardCharsets.UTF_8);
            String received = new String(ClusterTestSupport.echoOnce(node.bindAddress(), port, sent), StandardCharsets.UTF_8);
            assertEquals(new String(sent, StandardCharsets.UTF_8) + new String(TcpEchoServer.byeLine(sent.length), StandardCharsets.UTF_8), received,
                    "TCP echo through " + node.bindAddress() + ":" + port);
        }
    }

    /**
     * A UDP endpoint of an agent linked to node 0 only: datagrams sent to node 1 or 2 are relayed to node 0, and the
     * echo comes back out of the node the visitor sent to (the source address a UDP client checks).
     */
    @Test
    @Order(2)
    void aUdpEndpointAnswersThroughEveryNodeFromTheNodeTheVisitorUsed() {
        assumeTrue(udpAgent != null, "socat is not installed (.ci/setup.d/22-udp-tools.sh installs it)");
        for (EdgeProcess node : cluster.nodes()) {
            UdpProbe.echoRounds(node.bindAddress(), udpAgent.publicPort(), 5, 64, Duration.ofSeconds(5));
            UdpProbe.Result result = UdpProbe.echoRounds(node.bindAddress(), udpAgent.publicPort(), 300, 512, Duration.ofSeconds(2));
            System.out.printf("UDP echo via %s (%s): %s%n", node.bindAddress(), node == cluster.node(0) ? "agent's node" : "relayed", result);
            assertEquals(300, result.answered(), "via " + node + ": " + result);
            assertEquals(java.util.Set.of(node.bindAddress() + ":" + udpAgent.publicPort()), result.repliedFrom(), "via " + node);
        }
        assertTrue(ClusterTestSupport.metric(cluster.node(2), "burrow_relayed_streams_total") >= 1,
                "node 2 relayed the UDP stream to node 0");
    }

    /**
     * kill -9 of the node both agents dialed first. The 2-link agent keeps serving through its other link; the 1-link
     * agent reconnects to another node (it learned them at auth) and its URL answers again. Meanwhile no request to
     * the survivors may hang: relays to the dead node fail fast. Recovery times are printed for the closing note.
     */
    @Test
    @Order(3)
    void afterKillingTheAgentsNodeTheSurvivorsAnswerFastAndBothUrlsServeAgain() throws IOException {
        cluster.node(0).kill();
        long killed = System.nanoTime();
        Duration twoLinkBack = awaitServing("relayed", killed, Duration.ofSeconds(20));
        Duration oneLinkBack = awaitServing("single", killed, Duration.ofSeconds(20));
        System.out.printf("after kill -9 of node 0: 2-link URL served again after %d ms, 1-link URL after %d ms%n",
                twoLinkBack.toMillis(), oneLinkBack.toMillis());
        for (int i = 0; i < 5; i++) {
            for (int node = 1; node <= 2; node++) {
                String response = ClusterTestSupport.get(cluster.node(node), "relayed", "/echo?steady=" + i, Duration.ofSeconds(10));
                assertTrue(response.startsWith("HTTP/1.1 200"), "2-link URL via node " + node + ": " + firstLine(response));
            }
        }
    }

    /**
     * Polls both survivors until {@code name} answers 200 through each; every single request must return before a
     * dead link could have been detected ({@link #DEAD_LINK_DETECTION}): it never waited on the dead node. The client
     * timeout is well above that, so a slow answer is measured rather than lost.
     */
    private static Duration awaitServing(String name, long sinceNanos, Duration bound) throws IOException {
        long deadline = sinceNanos + bound.toNanos();
        String last = "";
        long slowest = 0;
        while (System.nanoTime() < deadline) {
            boolean all = true;
            for (int node = 1; node <= 2; node++) {
                long t0 = System.nanoTime();
                Duration timeout = DEAD_LINK_DETECTION.multipliedBy(3);
                try {
                    last = ClusterTestSupport.get(cluster.node(node), name, "/echo?after-kill", timeout);
                } catch (java.net.SocketTimeoutException hung) {
                    throw new AssertionError("a request for " + name + " to node " + node + " after the kill got no answer in "
                            + timeout.toMillis() + " ms: it hung instead of failing over", hung);
                }
                long millis = (System.nanoTime() - t0) / 1_000_000;
                slowest = Math.max(slowest, millis);
                assertTrue(millis < DEAD_LINK_DETECTION.toMillis(), "a request to node " + node + " after the kill took "
                        + millis + " ms, as long as detecting a dead link (" + DEAD_LINK_DETECTION.toMillis()
                        + " ms): it waited on the dead node instead of failing over; " + firstLine(last));
                all &= last.startsWith("HTTP/1.1 200");
            }
            if (all) {
                System.out.printf("%s: slowest request to a survivor while recovering: %d ms%n", name, slowest);
                return Duration.ofNanos(System.nanoTime() - sinceNanos);
            }
            sleep(100);
        }
        throw new AssertionError(name + " did not serve through both survivors within " + bound + "; last: " + firstLine(last));
    }

    private static String firstLine(String response) {
        int end = response.indexOf('\r');
        return end < 0 ? response : response.substring(0, end);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
