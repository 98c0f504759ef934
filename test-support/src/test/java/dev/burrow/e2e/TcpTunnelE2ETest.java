package dev.burrow.e2e;

import dev.burrow.testsupport.AgentApi;
import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.DeterministicBytes;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.TcpEchoServer;
import dev.burrow.testsupport.tools.KeepAliveTimer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code burrow tcp}: bytes both ways through an allocated public port, half-close honoured end to end, and the
 * public socket probed with the edge's {@code --tcp-keepalive}.
 */
@ExtendWith(ProcessLogsOnFailure.class)
class TcpTunnelE2ETest {

    private static TcpEchoServer echo;
    private static EdgeProcess edge;
    private static AgentProcess agent;
    /** Not the 60 s default, so that the timer shows whose setting the socket got. */
    private static final java.time.Duration TCP_KEEPALIVE = java.time.Duration.ofSeconds(17);

    @BeforeAll
    static void startAll() {
        echo = TcpEchoServer.start();
        edge = EdgeProcess.builder().name("edge-tcp").arg("--tcp-keepalive", TCP_KEEPALIVE.toSeconds() + "s").start();
        agent = AgentProcess.tcp(edge, echo.address()).start();
    }

    @AfterAll
    static void stopAll() {
        Closeables.closeAll(agent, edge, echo);
    }

    @Test
    void publicUrlIsAnAllocatedTcpPort() {
        assertTrue(Pattern.matches("tcp://localhost:\\d+", agent.publicUrl()), agent.publicUrl());
        assertTrue(edge.tcpPorts().contains(agent.publicPort()),
                agent.publicPort() + " not in " + edge.tcpPorts().flag());
        JsonObject t = AgentApi.tunnels(agent).getJsonObject(0);
        assertEquals("tcp", t.getString("proto"));
        assertEquals(agent.publicUrl(), t.getString("public_url"));
    }

    @Test
    void thePublicSocketProbesWithTheEdgesTcpKeepAlive() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(KeepAliveTimer.available(), "needs ss (iproute2; .ci/setup.d/31-iproute2.sh installs it)");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", agent.publicPort()), 5_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("ping\n", new String(socket.getInputStream().readNBytes(5), StandardCharsets.US_ASCII));
            java.time.Duration timer = KeepAliveTimer.of(agent.publicPort(), socket.getLocalPort());
            assertTrue(timer != null && timer.compareTo(TCP_KEEPALIVE) <= 0 && timer.compareTo(java.time.Duration.ofSeconds(5)) > 0,
                    "the keep-alive timer of the edge's socket: " + timer + ", expected at most " + TCP_KEEPALIVE);
        }
    }

    @Test
    void echoesBothWaysAndStillRepliesAfterTheClientHalfCloses() throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", agent.publicPort()), 5_000);
            socket.setSoTimeout(20_000);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();

            // interactive round trip first: the stream is live in both directions
            byte[] ping = "ping\n".getBytes(StandardCharsets.US_ASCII);
            out.write(ping);
            out.flush();
            assertArrayEquals(ping, in.readNBytes(ping.length));

            // then a bulk body, read concurrently so neither side's buffers decide the outcome
            int bulk = 3 * 1024 * 1024 + 17;
            ExecutorService reader = Executors.newSingleThreadExecutor();
            CompletableFuture<byte[]> reply = CompletableFuture.supplyAsync(() -> readToEof(in), reader);
            reader.shutdown();
            for (long off = 0; off < bulk; off += DeterministicBytes.MAX_CHUNK) {
                out.write(DeterministicBytes.slice(off, (int) Math.min(DeterministicBytes.MAX_CHUNK, bulk - off)));
            }
            out.flush();
            socket.shutdownOutput(); // half-close: we are done writing but still reading

            byte[] got = reply.get(30, TimeUnit.SECONDS);
            byte[] bye = TcpEchoServer.byeLine(ping.length + bulk);
            DeterministicBytes.Verifier v = new DeterministicBytes.Verifier();
            v.update(got, 0, Math.min(bulk, got.length));
            String seen = "echo of the " + bulk + "-byte body: " + v + "; " + got.length + " bytes in all"
                    + "; upstream saw EOF and wrote BYE on " + echo.completedConnections() + " of "
                    + echo.acceptedConnections() + " connections; last bytes: "
                    + new String(got, Math.max(0, got.length - 16), Math.min(16, got.length), StandardCharsets.ISO_8859_1)
                    .replace("\n", "\\n");
            assertEquals(-1, v.firstMismatch(), seen);
            assertEquals(bulk + bye.length, got.length, seen);
            assertArrayEquals(bye, Arrays.copyOfRange(got, bulk, got.length),
                    "the upstream's reply after our half-close must arrive, then EOF");
        }
    }

    @Test
    void severalConnectionsAreIndependent() throws Exception {
        int n = 5;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CompletableFuture<?>[] all = new CompletableFuture<?>[n];
        for (int i = 0; i < n; i++) {
            int id = i;
            all[i] = CompletableFuture.runAsync(() -> {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress("127.0.0.1", agent.publicPort()), 5_000);
                    socket.setSoTimeout(20_000);
                    byte[] msg = ("connection " + id + " says hello").repeat(id + 1).getBytes(StandardCharsets.US_ASCII);
                    socket.getOutputStream().write(msg);
                    socket.shutdownOutput();
                    byte[] got = readToEof(socket.getInputStream());
                    byte[] expected = new byte[msg.length + TcpEchoServer.byeLine(msg.length).length];
                    System.arraycopy(msg, 0, expected, 0, msg.length);
                    System.arraycopy(TcpEchoServer.byeLine(msg.length), 0, expected, msg.length,
                            expected.length - msg.length);
                    assertArrayEquals(expected, got, "connection " + id);
                } catch (IOException e) {
                    throw new AssertionError("connection " + id + ": " + e, e);
                }
            }, pool);
        }
        try {
            CompletableFuture.allOf(all).get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
    }

    private static byte[] readToEof(InputStream in) {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                got.write(buf, 0, n);
            }
        } catch (IOException e) {
            throw new AssertionError("read failed after " + got.size() + " bytes: " + e, e);
        }
        return got.toByteArray();
    }
}
