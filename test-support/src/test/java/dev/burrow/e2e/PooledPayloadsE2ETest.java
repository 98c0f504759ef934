package dev.burrow.e2e;

import dev.burrow.protocol.ProtocolLimits;
import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Await;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.DeterministicBytes;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.OpsMetrics;
import dev.burrow.testsupport.PublicHttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The edge writes response bodies to clients from pooled direct memory and gives every buffer back: after whole
 * downloads and downloads the client broke off, its {@code burrow_pooled_payloads} gauge returns to 0, and Netty's
 * leak detector at its strictest level (every buffer tracked) reports nothing after a garbage collection; the same for
 * downloads whose visitor resets the connection while the edge holds what it did not read.
 */
class PooledPayloadsE2ETest extends OneEdgeE2ETest {
    private static final String NAME = "e2e-pooled";
    private static final long SIZE = 32L * 1024 * 1024;
    private static final Duration TRANSFER_TIMEOUT = Duration.ofSeconds(60);

    private static AgentProcess agent;
    private static String host;

    @BeforeAll
    static void startAll() {
        startEdge(EdgeProcess.builder().name("edge-pooled").heapMb(128).jvmArg("-Dio.netty.leakDetection.level=paranoid"), 2);
        agent = AgentProcess.http(edge, upstream.httpAddress()).subdomain(NAME).start();
        host = NAME + "." + edge.domain();
    }

    @AfterAll
    static void stopAll() {
        Closeables.closeAll(agent);
    }

    @Test
    void wholeAndBrokenOffDownloadsGiveEveryPooledBufferBackAndLeakNothing() throws Exception {
        for (int i = 0; i < 3; i++) {
            PublicHttpClient.Download download = Await.result(client.download(host, "/bytes?n=" + SIZE), TRANSFER_TIMEOUT,
                    "32 MiB download");
            assertEquals(200, download.status());
            assertEquals(SIZE, download.verifier().count(), download.verifier().toString());
            assertEquals(-1, download.verifier().firstMismatch(), download.verifier().toString());
            assertEquals(DeterministicBytes.crc32(SIZE), download.verifier().crc32());
        }
        for (int i = 0; i < 3; i++) {
            readSomeAndHangUp(1024 * 1024);
        }
        assertEveryPooledBufferBackAndNoLeak();
    }

    /**
     * Visitors that reset their connection (SO_LINGER 0) in mid-body: three while the edge still holds what they did not
     * read (their stream's window full, the response's write queue full, the pump paused), three while bytes flow.
     */
    @Test
    void downloadsTheVisitorResetsInMidBodyGiveEveryPooledBufferBackAndLeakNothing() throws Exception {
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                stalled.add(readSome(1024 * 1024));
            }
            long held = 3L * ProtocolLimits.INITIAL_STREAM_WINDOW;
            Await.until(() -> OpsMetrics.sum(edge, "burrow_pooled_payload_bytes") >= held, Duration.ofSeconds(20),
                    Duration.ofMillis(50), () -> "the stalled downloads hold " + OpsMetrics.sum(edge, "burrow_pooled_payload_bytes")
                            + " bytes of pooled payloads, expected at least " + held);
        } finally {
            stalled.forEach(PooledPayloadsE2ETest::reset);
        }
        for (int i = 0; i < 3; i++) {
            reset(readSome(4 * 1024 * 1024));
        }
        assertEveryPooledBufferBackAndNoLeak();
    }

    /** The gauges back to 0; then, after a forced collection and one more download, no leak in the edge's log. */
    private static void assertEveryPooledBufferBackAndNoLeak() throws Exception {
        Await.until(() -> OpsMetrics.sum(edge, "burrow_pooled_payloads") == 0 && OpsMetrics.sum(edge, "burrow_pooled_payload_bytes") == 0,
                Duration.ofSeconds(20), Duration.ofMillis(50), () -> "burrow_pooled_payloads is " + OpsMetrics.sum(edge,
                        "burrow_pooled_payloads") + " (" + OpsMetrics.sum(edge, "burrow_pooled_payload_bytes") + " bytes), not 0");

        // The leak detector reports a buffer when the collector finds it unreleased, on a later allocation.
        Process gc = new ProcessBuilder("jcmd", Long.toString(edge.process().pid()), "GC.run").redirectErrorStream(true).start();
        assertTrue(gc.waitFor(30, TimeUnit.SECONDS), "jcmd GC.run did not finish");
        PublicHttpClient.Download after = Await.result(client.download(host, "/bytes?n=" + SIZE), TRANSFER_TIMEOUT,
                "32 MiB download after the collection");
        assertEquals(SIZE, after.verifier().count());
        assertTrue(edge.process().findLine(line -> line.text().contains("LEAK")).isEmpty(),
                "Netty reported a leak: " + edge.process().findLine(line -> line.text().contains("LEAK")));
    }

    /** A visitor that asks for a big body and has read {@code bytes} of the response; it reads no more. */
    private static Socket readSome(int bytes) throws Exception {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(64 * 1024);
        socket.connect(new InetSocketAddress(edge.bindAddress(), edge.httpPort()), 10_000);
        socket.setSoTimeout(20_000);
        OutputStream out = socket.getOutputStream();
        out.write(("GET /bytes?n=" + 16 * SIZE + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        byte[] chunk = new byte[64 * 1024];
        int read = 0;
        while (read < bytes) {
            int n = in.read(chunk);
            assertTrue(n > 0, "the response ended after " + read + " bytes");
            read += n;
        }
        return socket;
    }

    /** Closes with a TCP reset (SO_LINGER 0), as a visitor that crashes or is killed does. */
    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A client that asks for a big body, reads {@code bytes} of the response and closes its connection. */
    private static void readSomeAndHangUp(int bytes) throws Exception {
        readSome(bytes).close();
    }
}
