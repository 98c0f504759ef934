package dev.burrow.e2e;

import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.Await;
import dev.burrow.testsupport.DeterministicBytes;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.PublicHttpClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 256 MiB each way through an edge and an agent whose heaps are capped at 96 MiB (and which exit on
 * OutOfMemoryError): a relay that buffered a body instead of streaming it with backpressure would die here.
 */
class LargeBodyE2ETest extends OneEdgeE2ETest {

    private static final String NAME = "e2e-large";
    private static final long SIZE = 256L * 1024 * 1024;
    private static final int HEAP_MB = 96;
    private static final Duration TRANSFER_TIMEOUT = Duration.ofSeconds(90);

    private static AgentProcess agent;
    private static String host;
    private static long expectedCrc;

    @BeforeAll
    static void startAll() {
        startEdge(EdgeProcess.builder().name("edge-large").heapMb(HEAP_MB), 4);
        agent = AgentProcess.http(edge, upstream.httpAddress()).subdomain(NAME).heapMb(HEAP_MB).start();
        host = NAME + "." + edge.domain();
        expectedCrc = DeterministicBytes.crc32(SIZE);
    }

    @AfterAll
    static void stopAll() {
        Closeables.closeAll(agent);
    }

    @AfterEach
    void bothProcessesSurvived() {
        assertTrue(edge.isAlive(), "edge died (OutOfMemoryError?)");
        assertTrue(agent.isAlive(), "agent died (OutOfMemoryError?)");
        // and they still serve
        PublicHttpClient.Response resp = client.get(host, "/echo");
        assertEquals(200, resp.status(), resp.bodyText());
    }

    @Test
    void download256MiBStreamsWithBoundedHeap() {
        long start = System.nanoTime();
        PublicHttpClient.Download download = Await.result(client.download(host, "/bytes?n=" + SIZE),
                TRANSFER_TIMEOUT, "256 MiB download");
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("download: %d bytes in %.1f s (%.0f MiB/s)%n", download.verifier().count(), seconds,
                download.verifier().count() / 1048576.0 / seconds);

        assertEquals(200, download.status());
        assertEquals(SIZE, download.verifier().count(), download.verifier().toString());
        assertEquals(-1, download.verifier().firstMismatch(), download.verifier().toString());
        assertEquals(expectedCrc, download.verifier().crc32());
    }

    @Test
    void upload256MiBStreamsWithBoundedHeap() {
        long start = System.nanoTime();
        PublicHttpClient.Response resp = Await.result(client.upload(host, "/upload", SIZE), TRANSFER_TIMEOUT,
                "256 MiB upload");
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("upload: %d bytes in %.1f s (%.0f MiB/s)%n", SIZE, seconds, SIZE / 1048576.0 / seconds);

        assertEquals(200, resp.status(), resp.bodyText());
        JsonObject result = new JsonObject(resp.body());
        assertEquals(SIZE, result.getLong("bytes"), result.encode());
        assertEquals(-1L, result.getLong("firstMismatch"), result.encode());
        assertEquals(expectedCrc, result.getLong("crc32"), result.encode());
    }
}
