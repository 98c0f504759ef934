package dev.burrow.e2e;

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

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The edge writes response bodies to clients from pooled direct memory and gives every buffer back: after whole
 * downloads and downloads the client broke off, its {@code burrow_pooled_payloads} gauge returns to 0, and Netty's
 * leak detector at its strictest level (every buffer tracked) reports nothing after a garbage collection.
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
        Await.until(() -> OpsMetrics.sum(edge, "burrow_pooled_payloads") == 0, Duration.ofSeconds(20), Duration.ofMillis(50),
                () -> "burrow_pooled_payloads is " + OpsMetrics.sum(edge, "burrow_pooled_payloads") + ", not 0");

        // The leak detector reports a buffer when the collector finds it unreleased, on a later allocation.
        Process gc = new ProcessBuilder("jcmd", Long.toString(edge.process().pid()), "GC.run").redirectErrorStream(true).start();
        assertTrue(gc.waitFor(30, TimeUnit.SECONDS), "jcmd GC.run did not finish");
        PublicHttpClient.Download after = Await.result(client.download(host, "/bytes?n=" + SIZE), TRANSFER_TIMEOUT,
                "32 MiB download after the collection");
        assertEquals(SIZE, after.verifier().count());
        assertTrue(edge.process().findLine(line -> line.text().contains("LEAK")).isEmpty(),
                "Netty reported a leak: " + edge.process().findLine(line -> line.text().contains("LEAK")));
    }

    /** A client that asks for a big body, reads {@code bytes} of the response and closes its connection. */
    private static void readSomeAndHangUp(int bytes) throws Exception {
        try (Socket socket = new Socket(edge.bindAddress(), edge.httpPort())) {
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
        }
    }
}
