package dev.burrow.e2e;

import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.RawExchange;
import dev.burrow.testsupport.RawSocketUpstream;
import dev.burrow.testsupport.TempDirs;
import dev.burrow.testsupport.Upstream;
import dev.burrow.testsupport.tools.KeepAliveTimer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * No public connection is held forever: with {@code --http-head-timeout 3s --http-idle-timeout 3s
 * --http-body-idle-timeout 3s}, a silent connection, a half-sent head, 300 slowloris connections trickling a byte a
 * second, an idle keep-alive connection and a request body that stops arriving are all closed at their deadline (408
 * where a request had begun), while a response slower than the idle timeout and an upgraded WebSocket are not cut.
 * Public sockets, upgraded or not, probe with the edge's {@code --tcp-keepalive}.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ConnectionDeadlinesE2ETest {
    private static final Duration DEADLINE = Duration.ofSeconds(3);
    /** Early-close tolerance: the edge's timer starts at accept, a little after the client's clock does. */
    private static final Duration EARLY = Duration.ofMillis(500);
    /** Late-close tolerance on a loaded 2-core machine (measured: closes come 3.0-3.3 s after connect). */
    private static final Duration LATE = Duration.ofSeconds(4);
    private static final Duration WAIT = Duration.ofSeconds(15);
    /** Not the 60 s default, so that a socket's timer shows whose setting it got. */
    private static final Duration TCP_KEEPALIVE = Duration.ofSeconds(17);
    private static Upstream upstream;
    private static RawSocketUpstream rawUpstream;
    private static java.nio.file.Path rawDir;
    private static EdgeProcess edge;
    private static AgentProcess agent;
    private static AgentProcess sinkAgent;

    @BeforeAll
    static void start() throws IOException {
        upstream = Upstream.start();
        rawDir = java.nio.file.Files.createTempDirectory("burrow-deadlines-");
        rawUpstream = RawSocketUpstream.serve(rawDir);
        edge = EdgeProcess.builder().name("edge-deadlines").arg("--http-head-timeout", "3s", "--http-idle-timeout", "3s",
                "--http-body-idle-timeout", "3s", "--tcp-keepalive", TCP_KEEPALIVE.toSeconds() + "s").start();
        agent = AgentProcess.http(edge, upstream.httpAddress()).name("agent-deadlines").subdomain("slow").start();
        sinkAgent = AgentProcess.http(edge, rawUpstream.address()).name("agent-sink").subdomain("sink").start();
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(sinkAgent, agent, edge, rawUpstream, upstream);
        TempDirs.deleteRecursively(rawDir);
    }

    @Test
    void aRequestBodyThatStopsArrivingGets408AtTheBodyIdleTimeoutAndTheUpstreamSeesItAborted() throws InterruptedException {
        RawExchange exchange = RawExchange.send(edge.httpPort(), "POST /sink HTTP/1.1\r\nHost: " + edge.hostHeader("sink")
                + "\r\nContent-Length: 1000\r\n\r\nab", WAIT);
        assertEquals("HTTP/1.1 408 Request Timeout", exchange.statusLine(), exchange.answer());
        assertTrue(exchange.answer().contains("--http-body-idle-timeout"), exchange.answer());
        assertTrue(exchange.closed(), "still open after " + WAIT);
        assertClosedAtDeadline(exchange.elapsed(), Duration.ZERO, "a request body that stopped arriving");
        assertEquals(2, rawUpstream.awaitSinkEnd(WAIT), "body bytes the upstream had when its request ended "
                + "(-1: it never ended)");
    }

    private static void assertClosedAtDeadline(Duration elapsed, Duration after, String what) {
        assertTrue(elapsed.compareTo(after.plus(DEADLINE).minus(EARLY)) >= 0, what + " closed early, after " + elapsed.toMillis() + " ms");
        assertTrue(elapsed.compareTo(after.plus(DEADLINE).plus(LATE)) <= 0, what + " closed late, after " + elapsed.toMillis() + " ms");
    }

    @Test
    void aSilentConnectionIsClosedAtTheHeadDeadlineWithoutAnAnswer() {
        RawExchange exchange = RawExchange.send(edge.httpPort(), new byte[0], WAIT);
        assertTrue(exchange.closed(), "still open after " + WAIT);
        assertEquals("", exchange.answer());
        assertClosedAtDeadline(exchange.elapsed(), Duration.ZERO, "a silent connection");
    }

    @Test
    void aHalfSentHeadGets408NamingTheSetting() {
        RawExchange exchange = RawExchange.send(edge.httpPort(), "GET /half HTTP/1.1\r\nHost: " + edge.hostHeader("slow")
                + "\r\nX-Still-Typing: 1", WAIT);
        assertEquals("HTTP/1.1 408 Request Timeout", exchange.statusLine(), exchange.answer());
        assertTrue(exchange.answer().contains("--http-head-timeout"), exchange.answer());
        assertTrue(exchange.closed(), "still open after " + WAIT);
        assertClosedAtDeadline(exchange.elapsed(), Duration.ZERO, "a half-sent head");
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAtTheIdleTimeout() {
        RawExchange exchange = RawExchange.send(edge.httpPort(), "GET /echo HTTP/1.1\r\nHost: " + edge.hostHeader("slow") + "\r\n\r\n", WAIT);
        assertEquals("HTTP/1.1 200 OK", exchange.statusLine(), exchange.answer());
        assertTrue(exchange.closed(), "still open after " + WAIT);
        assertClosedAtDeadline(exchange.elapsed(), Duration.ZERO, "an idle keep-alive connection");
    }

    @Test
    void aResponseSlowerThanTheIdleTimeoutIsNotCut() {
        // 10 000 bytes spread over 5 s, longer than the 3 s idle timeout; then the idle timeout closes the connection.
        RawExchange exchange = RawExchange.send(edge.httpPort(), "GET /slow?ms=5000 HTTP/1.1\r\nHost: " + edge.hostHeader("slow")
                + "\r\n\r\n", Duration.ofSeconds(25));
        assertEquals("HTTP/1.1 200 OK", exchange.statusLine(), exchange.answer());
        int bodyStart = exchange.answer().indexOf("\r\n\r\n") + 4;
        assertEquals(10_000, exchange.answer().length() - bodyStart, "the whole body");
        assertTrue(exchange.closed(), "still open after the idle timeout");
        assertTrue(exchange.elapsed().compareTo(Duration.ofSeconds(5).plus(DEADLINE).minus(EARLY)) >= 0, exchange.elapsed().toString());
    }

    @Test
    void anUpgradedWebSocketOutlivesTheIdleTimeout() throws IOException, InterruptedException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", edge.httpPort()), 5_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: " + edge.hostHeader("slow") + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String head = readHead(socket);
            assertTrue(head.startsWith("HTTP/1.1 101"), head);
            if (KeepAliveTimer.available()) {
                assertKeepAliveIsTheEdgesSetting(socket, "an upgraded connection");
            }
            Thread.sleep(DEADLINE.plusSeconds(2).toMillis());
            // A masked text frame "hi"; the echo comes back unmasked.
            byte[] mask = {1, 2, 3, 4};
            socket.getOutputStream().write(new byte[]{(byte) 0x81, (byte) 0x82, 1, 2, 3, 4, (byte) ('h' ^ mask[0]), (byte) ('i' ^ mask[1])});
            byte[] echo = socket.getInputStream().readNBytes(4);
            assertArrayEquals(new byte[]{(byte) 0x81, 2, 'h', 'i'}, echo);
        }
    }

    @Test
    void publicConnectionsProbeWithTheEdgesTcpKeepAliveNotAfterTwoHours() throws Exception {
        assumeTrue(KeepAliveTimer.available(), "needs ss (iproute2; .ci/setup.d/31-iproute2.sh installs it)");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", edge.httpPort()), 5_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /echo HTTP/1.1\r\nHost: " + edge.hostHeader("slow") + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            assertTrue(readHead(socket).startsWith("HTTP/1.1 200"));
            assertKeepAliveIsTheEdgesSetting(socket, "a public HTTP connection");
        }
    }

    private static void assertKeepAliveIsTheEdgesSetting(Socket client, String what) throws IOException, InterruptedException {
        Duration timer = KeepAliveTimer.of(edge.httpPort(), client.getLocalPort());
        assertTrue(timer != null && timer.compareTo(TCP_KEEPALIVE) <= 0 && timer.compareTo(Duration.ofSeconds(5)) > 0,
                what + ": the edge socket's keep-alive timer is " + timer + ", expected at most " + TCP_KEEPALIVE);
    }

    /**
     * 300 connections each send a request head one byte a second, so no idle timeout would ever fire: each is closed
     * at the head deadline counted from its start, with a 408.
     */
    @Test
    void threeHundredSlowlorisConnectionsAreAllClosedAtTheHeadDeadline() throws IOException {
        int count = 300;
        byte[] head = ("GET /slowloris HTTP/1.1\r\nHost: " + edge.hostHeader("slow") + "\r\nX-Slow: " + "z".repeat(40))
                .getBytes(StandardCharsets.US_ASCII);
        List<Slowloris> clients = new ArrayList<>();
        try (Selector selector = Selector.open()) {
            for (int i = 0; i < count; i++) {
                clients.add(new Slowloris(selector, edge.httpPort()));
            }
            long end = System.nanoTime() + WAIT.toNanos();
            int sent = 0;
            long nextByte = System.nanoTime();
            while (clients.stream().anyMatch(c -> c.closedAt == 0) && System.nanoTime() < end) {
                if (System.nanoTime() >= nextByte && sent < head.length) {
                    for (Slowloris client : clients) {
                        client.send(head[sent]);
                    }
                    sent++;
                    nextByte += TimeUnit.SECONDS.toNanos(1);
                }
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    ((Slowloris) key.attachment()).read();
                }
                selector.selectedKeys().clear();
            }
            System.out.println("slowloris: " + clients.stream().filter(c -> c.closedAt != 0).count() + " of " + count
                    + " closed, " + clients.stream().mapToLong(c -> (c.closedAt - c.openedAt) / 1_000_000).summaryStatistics()
                    + " ms after connect");
            for (Slowloris client : clients) {
                assertTrue(client.closedAt != 0, "a slowloris connection still open after " + WAIT);
                Duration open = Duration.ofNanos(client.closedAt - client.openedAt);
                assertClosedAtDeadline(open, Duration.ZERO, "a slowloris connection");
                assertTrue(client.bytesSent >= 2, "bytes trickled: " + client.bytesSent);
                assertTrue(client.answer.toString().startsWith("HTTP/1.1 408 Request Timeout"), client.answer.toString());
            }
        } finally {
            clients.forEach(Slowloris::close);
        }
    }

    /** One trickling client on a non-blocking channel. */
    private static final class Slowloris {
        final SocketChannel channel;
        final long openedAt;
        final StringBuilder answer = new StringBuilder();
        long closedAt;
        int bytesSent;

        Slowloris(Selector selector, int port) throws IOException {
            channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            openedAt = System.nanoTime();
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ, this);
        }

        void send(byte b) {
            if (closedAt != 0) {
                return;
            }
            try {
                channel.write(ByteBuffer.wrap(new byte[]{b}));
                bytesSent++;
            } catch (IOException e) {
                closedAt = System.nanoTime();
            }
        }

        void read() {
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            try {
                int n = channel.read(buffer);
                if (n < 0) {
                    closedAt = System.nanoTime();
                    channel.close();
                } else {
                    answer.append(new String(buffer.array(), 0, n, StandardCharsets.ISO_8859_1));
                }
            } catch (IOException e) {
                closedAt = System.nanoTime();
                close();
            }
        }

        void close() {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    private static String readHead(Socket socket) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = socket.getInputStream().read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }
}
