package dev.burrow.cluster;

import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.TcpEchoServer;
import dev.burrow.testsupport.Upstream;
import dev.burrow.testsupport.cluster.EdgeCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Endpoint pooling on a 2-node cluster: two agents of one tenant bind the same subdomain (and the same TCP port) with
 * --pooling, each in front of its own upstream; requests (connections) spread over both nodes reach each upstream at
 * least 30 % of the time. An agent without --pooling is refused the pooled name.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class PoolingE2ETest {
    private static Upstream first;
    private static Upstream second;
    private static TcpEchoServer firstEcho;
    private static TcpEchoServer secondEcho;
    private static EdgeCluster cluster;

    @BeforeAll
    static void startAll() {
        first = Upstream.start();
        second = Upstream.start();
        firstEcho = TcpEchoServer.start();
        secondEcho = TcpEchoServer.start();
        cluster = EdgeCluster.start(2, "1s");
    }

    @AfterAll
    static void stopAll() {
        Closeables.closeAll(cluster, first, second, firstEcho, secondEcho);
    }

    @Test
    void twoPoolingAgentsShareHttpRequestsAndANonPoolingBindIsRefused() throws Exception {
        try (AgentProcess agentA = AgentProcess.http(cluster.node(0), first.httpAddress()).subdomain("pool")
                .name("agent-pool-a").arg("--pooling").start();
             AgentProcess agentB = AgentProcess.http(cluster.node(1), second.httpAddress()).subdomain("pool")
                     .name("agent-pool-b").arg("--pooling").start()) {
            ClusterTestSupport.awaitServing(cluster.nodes(), "pool", Duration.ofSeconds(20));
            for (int i = 0; i < 100; i++) {
                EdgeProcess node = cluster.node(i % 2);
                String response = ClusterTestSupport.get(node, "pool", "/echo?pool=" + i, Duration.ofSeconds(5));
                assertTrue(response.startsWith("HTTP/1.1 200"), "request " + i + ": " + response);
            }
            long a = first.requests().stream().filter(r -> r.uri().startsWith("/echo?pool=")).count();
            long b = second.requests().stream().filter(r -> r.uri().startsWith("/echo?pool=")).count();
            System.out.printf("pooling (http): agent A's upstream got %d, agent B's %d of 100%n", a, b);
            assertEquals(100, a + b);
            assertTrue(a >= 30 && b >= 30, "each pooled agent gets >= 30 %: " + a + " / " + b);

            try (AgentProcess notPooling = AgentProcess.http(cluster.node(0), first.httpAddress()).subdomain("pool")
                    .name("agent-not-pooling").shortLived().launch()) {
                assertEquals(1, notPooling.awaitExit(Duration.ofSeconds(30)), "a non-pooling bind of a pooled name fails");
                String errors = String.join("\n", notPooling.errorLines()).toLowerCase(Locale.ROOT);
                assertTrue(errors.contains("in use") || errors.contains("already"), "the agent says the name is taken: " + errors);
            }
        }
    }

    @Test
    void twoPoolingAgentsShareTcpConnections() throws Exception {
        int port = cluster.node(0).tcpPorts().low() + 3;
        try (AgentProcess agentA = AgentProcess.tcp(cluster.node(0), firstEcho.address()).name("agent-pool-tcp-a")
                .arg("--remote-port", Integer.toString(port), "--pooling").start();
             AgentProcess agentB = AgentProcess.tcp(cluster.node(1), secondEcho.address()).name("agent-pool-tcp-b")
                     .arg("--remote-port", Integer.toString(port), "--pooling").start()) {
            int before = firstEcho.acceptedConnections() + secondEcho.acceptedConnections();
            for (int i = 0; i < 40; i++) {
                EdgeProcess node = cluster.node(i % 2);
                byte[] sent = ("pooled " + i).getBytes(StandardCharsets.UTF_8);
                byte[] expected = (new String(sent, StandardCharsets.UTF_8)
                        + new String(TcpEchoServer.byeLine(sent.length), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
                assertArrayEquals(expected, ClusterTestSupport.echoOnce(node.bindAddress(), port, sent), "connection " + i + " via " + node);
            }
            int a = firstEcho.acceptedConnections();
            int b = secondEcho.acceptedConnections();
            System.out.printf("pooling (tcp): agent A's upstream got %d, agent B's %d of 40 connections%n", a, b);
            assertEquals(40, a + b - before);
            assertTrue(a >= 12 && b >= 12, "each pooled agent gets >= 30 % of the connections: " + a + " / " + b);
        }
    }
}
