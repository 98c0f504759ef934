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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three edge nodes (separate JVMs) forming one cluster, one real agent on node 0, a real upstream: every node
 * reaches the upstream (relay), a TCP endpoint answers on every node, and kill -9 of the agent's node purges its
 * routes from the survivors, which then answer at once instead of hanging.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterE2ETest {
    private static Upstream upstream;
    private static TcpEchoServer echo;
    private static EdgeCluster cluster;
    private static AgentProcess httpAgent;
    private static AgentProcess tcpAgent;

    @BeforeAll
    static void startAll() {
        long started = System.nanoTime();
        upstream = Upstream.start();
        echo = TcpEchoServer.start();
        cluster = EdgeCluster.start(3, "1s");
        System.out.printf("3-node cluster up in %d ms%n", (System.nanoTime() - started) / 1_000_000);
        httpAgent = AgentProcess.http(cluster.node(0), upstream.httpAddress()).subdomain("relayed").start();
        tcpAgent = AgentProcess.tcp(cluster.node(0), echo.address()).start();
    }

    @AfterAll
    static void stopAll() {
        Closeables.closeAll(httpAgent, tcpAgent, cluster, echo, upstream);
    }

    @Test
    @Order(1)
    void aRequestThroughEveryNodeReachesTheUpstream() throws IOException {
        for (EdgeProcess node : cluster.nodes()) {
            for (int i = 0; i < 5; i++) {
                String response;
                try {
                    response = get(node, "relayed", "/echo?via=" + node.bindAddress() + "&n=" + i, Duration.ofSeconds(10));
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

    @Test
    @Order(2)
    void aTcpEndpointIsReachableThroughEveryNode() throws IOException {
        int port = tcpAgent.publicPort();
        for (EdgeProcess node : cluster.nodes()) {
            byte[] sent = ("hello via " + node.httpPort()).getBytes(StandardCharsets.UTF_8);
            String received = new String(echoOnce(node.bindAddress(), port, sent), StandardCharsets.UTF_8);
            assertEquals(new String(sent, StandardCharsets.UTF_8) + new String(TcpEchoServer.byeLine(sent.length), StandardCharsets.UTF_8), received,
                    "TCP echo through " + node.bindAddress() + ":" + port);
        }
    }

    @Test
    @Order(3)
    void killingTheAgentsNodePurgesItsRoutesAndTheOthersAnswerAtOnce() throws IOException {
        cluster.node(0).kill();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String last = "";
        // Until Hazelcast reports the member gone and its links are purged, a request may fail fast (dead relay);
        // it must never hang: every request is bounded by a 2 s read timeout.
        while (System.nanoTime() < deadline) {
            long t0 = System.nanoTime();
            last = get(cluster.node(1), "relayed", "/after-kill", Duration.ofSeconds(2));
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(millis < 1000, "a request after the kill took " + millis + " ms: " + firstLine(last));
            if (last.startsWith("HTTP/1.1 502") && last.contains("offline")) {
                break;
            }
            sleep(100);
        }
        assertTrue(last.startsWith("HTTP/1.1 502") && last.contains("offline"), "expected 502 agent offline, got " + firstLine(last));
        String viaNode2 = get(cluster.node(2), "relayed", "/after-kill", Duration.ofSeconds(2));
        assertTrue(viaNode2.startsWith("HTTP/1.1 502"), firstLine(viaNode2));
    }

    private static String get(EdgeProcess node, String name, String path, Duration timeout) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(node.bindAddress(), node.httpPort()), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + node.hostHeader(name) + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static byte[] echoOnce(String host, int port, byte[] data) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 5000);
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(data);
            socket.shutdownOutput();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            in.transferTo(received);
            return received.toByteArray();
        }
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
