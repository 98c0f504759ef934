package dev.burrow.e2e;

import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Await;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.DeterministicBytes;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.PublicHttpClient;
import dev.burrow.testsupport.RawHttpClient;
import dev.burrow.testsupport.Upstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent's lean HTTP/1.1 path to a plain-HTTP upstream (the default): sequential exchanges share one upstream
 * connection; a public client that hangs up in the middle of a download gets its upstream connection closed (not given
 * back to the pool), and Netty's leak detector at its strictest level finds no buffer the agent forgot to release.
 */
class LeanUpstreamE2ETest extends OneEdgeE2ETest {
    private static final String NAME = "e2e-lean";
    private static final long SIZE = 8L * 1024 * 1024;
    private static final Duration TRANSFER_TIMEOUT = Duration.ofSeconds(60);

    private static AgentProcess agent;
    private static String host;

    @BeforeAll
    static void startAll() {
        startEdge(EdgeProcess.builder().name("edge-lean"), 2);
        agent = AgentProcess.http(edge, upstream.httpAddress()).subdomain(NAME).jvmArg("-Dio.netty.leakDetection.level=paranoid")
                .start();
        host = NAME + "." + edge.domain();
    }

    @AfterAll
    static void stopAll() {
        Closeables.closeAll(agent);
    }

    @Test
    void sequentialExchangesShareOneUpstreamConnection() {
        for (int i = 0; i < 5; i++) {
            PublicHttpClient.Response response = client.get(host, "/echo?seq=" + i);
            assertEquals(200, response.status());
        }
        Set<String> sources = upstream.requests().stream().filter(r -> r.uri().startsWith("/echo?seq="))
                .map(Upstream.RecordedRequest::remoteAddress).collect(Collectors.toSet());
        assertEquals(1, sources.size(), "upstream connections used for 5 sequential exchanges: " + sources);
    }

    @Test
    void aClientThatHangsUpMidDownloadHasItsUpstreamConnectionClosedAndLeaksNothing() throws Exception {
        for (int i = 0; i < 3; i++) {
            String uri = "/bytes?n=" + 64 * SIZE + "&cut=" + i;
            try (RawHttpClient raw = RawHttpClient.connect(edge.httpPort())) {
                raw.sendRequest("GET", uri, host, Map.of(), null).discard(1024 * 1024);
            }
            String source = upstream.awaitRequest(r -> r.uri().equals(uri), Duration.ofSeconds(10)).remoteAddress();
            Await.until(() -> upstream.closedConnections().contains(source), Duration.ofSeconds(20), Duration.ofMillis(20),
                    () -> "the upstream connection " + source + " of a download the client broke off is still open");
            String nextUri = "/echo?after-cut=" + i;
            PublicHttpClient.Response next = client.get(host, nextUri);
            assertEquals(200, next.status());
            String nextSource = upstream.awaitRequest(r -> r.uri().equals(nextUri), Duration.ofSeconds(10)).remoteAddress();
            assertNotEquals(source, nextSource, "the connection of a broken-off download was used again");
        }

        // The leak detector reports a buffer when the collector finds it unreleased, on a later allocation.
        Process gc = new ProcessBuilder("jcmd", Long.toString(agent.process().pid()), "GC.run").redirectErrorStream(true).start();
        assertTrue(gc.waitFor(30, TimeUnit.SECONDS), "jcmd GC.run did not finish");
        for (int i = 0; i < 2; i++) {
            PublicHttpClient.Download whole = Await.result(client.download(host, "/bytes?n=" + SIZE), TRANSFER_TIMEOUT, "8 MiB download");
            assertEquals(200, whole.status());
            assertEquals(SIZE, whole.verifier().count(), whole.verifier().toString());
            assertEquals(DeterministicBytes.crc32(SIZE), whole.verifier().crc32());
        }
        assertTrue(agent.process().findLine(line -> line.text().contains("LEAK")).isEmpty(),
                "Netty reported a leak: " + agent.process().findLine(line -> line.text().contains("LEAK")));
    }
}
