package dev.burrow.e2e;

import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Await;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.DeterministicBytes;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.MachineLoad;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.RawExchange;
import dev.burrow.testsupport.Upstream;
import dev.burrow.testsupport.tools.ClientRun;
import dev.burrow.testsupport.tools.NginxServer;
import dev.burrow.testsupport.tools.Tools;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An HTTP/1.1 request body in 1-byte chunks ({@code 1\r\nx\r\n}, 6 bytes on the wire for each byte of body) against a
 * real edge and agent: the edge takes a burst of them (the budget of HTTP/2's small DATA frames), then answers 400 with
 * {@code Connection: close}, or breaks off a response that already started; the upstream gets a fraction of the body.
 * A real chunked upload (curl -T with {@code Transfer-Encoding: chunked}) is never cut.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ChunkedBodyFloodE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    /** The 1-byte chunks a flood offers: ten times the edge's burst. */
    private static final int FLOOD_CHUNKS = 100_000;
    /**
     * The most of the flood's body the upstream may get: the burst of 10 000 pieces and what the bytes and the refill of a
     * second earn back, with room; without the bound all {@link #FLOOD_CHUNKS} bytes arrive.
     */
    private static final long FLOOD_UPSTREAM_BOUND = 20_000;
    /** From the flood's first byte to the 400; measured figures are in docs/hostile-http.md. */
    private static final Duration REFUSAL_BOUND = Duration.ofSeconds(5);
    private static final int CURL_UPLOAD_BYTES = 16 * 1024 * 1024;

    private static Upstream upstream;
    private static EdgeProcess edge;
    private static AgentProcess agent;

    @BeforeAll
    static void start() {
        upstream = Upstream.start();
        edge = EdgeProcess.builder().name("edge-chunk-flood").start();
        agent = AgentProcess.http(edge, upstream.httpAddress()).name("agent-chunk-flood").subdomain("chunks").start();
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(agent, edge, upstream);
    }

    private static byte[] head(String path) {
        return ("POST " + path + " HTTP/1.1\r\nHost: " + edge.hostHeader("chunks") + "\r\nTransfer-Encoding: chunked\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] oneByteChunks(int count) {
        return "1\r\nx\r\n".repeat(count).getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void aBodyInOneByteChunksGets400AndLittleOfItReachesTheUpstream() throws IOException {
        String uri = "/upload?flood";
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.write(head(uri));
        request.write(oneByteChunks(FLOOD_CHUNKS));
        request.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        long refusalsBefore = refusalLines();

        RawExchange exchange = RawExchange.send(edge.httpPort(), request.toByteArray(), WAIT);

        assertEquals("HTTP/1.1 400 Bad Request", exchange.statusLine(), exchange.answer());
        assertTrue(exchange.answer().contains("\r\nConnection: close\r\n"), exchange.answer());
        assertTrue(exchange.answer().contains("too many small chunks"), exchange.answer());
        assertTrue(exchange.closed(), "the edge kept the connection open");
        assertTrue(exchange.elapsed().compareTo(REFUSAL_BOUND) < 0, exchange.elapsed().toMillis() + " ms");
        long received = upstream.settledUploadedBytes(uri, MachineLoad.scaled(Duration.ofSeconds(10)), Duration.ofMillis(300));
        System.out.printf("%d 1-byte chunks (%d bytes on the wire): %s, closed after %d ms; the upstream got %d body bytes%n",
                FLOOD_CHUNKS, request.size(), exchange.statusLine(), exchange.elapsed().toMillis(), received);
        assertTrue(received < FLOOD_UPSTREAM_BOUND, received + " bytes of the flood reached the upstream");
        Await.until(() -> refusalLines() - refusalsBefore == 1, Duration.ofSeconds(5), Duration.ofMillis(100),
                () -> (refusalLines() - refusalsBefore) + " refusal lines");
        assertTrue(edge.isAlive());
    }

    /**
     * The upstream answered before the flood came ({@code /slow?hold=1} sends its head and a first piece of its
     * Content-Length body, then waits): the edge cannot answer 400 any more, so the response is broken off (short of its
     * length) and the connection closed.
     */
    @Test
    void aFloodAfterTheResponseStartedBreaksTheResponseOff() throws IOException {
        String uri = "/slow?hold=1&n=10000";
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", edge.httpPort()), 5_000);
            OutputStream out = socket.getOutputStream();
            out.write(head(uri));
            out.write(oneByteChunks(10));
            out.flush();
            InputStream in = socket.getInputStream();
            socket.setSoTimeout((int) WAIT.toMillis());
            byte[] first = new byte[4096];
            int n = in.read(first);
            String started = new String(first, 0, Math.max(0, n), StandardCharsets.ISO_8859_1);
            assertTrue(started.startsWith("HTTP/1.1 200 OK\r\n"), started);
            long floodStart = System.nanoTime();
            try {
                out.write(oneByteChunks(FLOOD_CHUNKS));
                out.flush();
            } catch (java.net.SocketException closedWhileWriting) {
                // the edge may be done with the connection before the flood is all written
            }
            RawExchange rest = RawExchange.readToClose(socket, floodStart, WAIT);
            String answer = started + rest.answer();
            assertTrue(rest.closed(), "the edge kept the connection open");
            int bodyStart = answer.indexOf("\r\n\r\n") + 4;
            assertTrue(answer.length() - bodyStart < 10_000, "the response was not broken off: " + (answer.length() - bodyStart) + " body bytes");
            System.out.printf("flood after the response started: %d of its 10000 body bytes, closed %d ms after the flood began%n",
                    answer.length() - bodyStart, rest.elapsed().toMillis());
        } finally {
            upstream.releaseHeld();
        }
        assertTrue(edge.isAlive());
    }

    /**
     * The same flood and a real chunked upload against nginx storing PUT bodies (its access log gives the bytes it
     * received of each request): the flood's request never arrives whole (nginx logs it cut off, or not at all), the
     * upload arrives byte for byte.
     */
    @Test
    void againstNginxTheFloodIsCutOffAndARealChunkedUploadStoredWhole() throws IOException {
        Tools.assumeInstalled("nginx", "curl");
        Path stored = Files.createTempDirectory("chunk-flood-nginx");
        Files.setPosixFilePermissions(stored, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        Path big = DeterministicBytes.tempFile(CURL_UPLOAD_BYTES);
        try (NginxServer nginx = NginxServer.storingPuts(stored);
             AgentProcess toNginx = AgentProcess.http(edge, nginx.address()).name("agent-chunk-nginx").subdomain("nginx").start()) {
            String host = edge.hostHeader("nginx");
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.write(("PUT /flood HTTP/1.1\r\nHost: " + host + "\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            request.write(oneByteChunks(FLOOD_CHUNKS));
            request.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            RawExchange exchange = RawExchange.send(edge.httpPort(), request.toByteArray(), WAIT);
            assertEquals("HTTP/1.1 400 Bad Request", exchange.statusLine(), exchange.answer());
            assertTrue(exchange.closed(), "the edge kept the connection open");

            ClientRun curl = ClientRun.run(List.of(Tools.require("curl").toString(), "-sS", "--max-time", "100", "-o", "/dev/null",
                    "-w", "%{http_code}", "-H", "Transfer-Encoding: chunked", "-T", big.toString(),
                    "--resolve", host + ":127.0.0.1", "http://" + host + "/upload.bin"), Duration.ofSeconds(110));
            assertEquals(0, curl.exitCode(), curl.describe());
            assertEquals("201", curl.stdout().strip(), curl.describe());
            assertEquals(-1L, Files.mismatch(big, stored.resolve("upload.bin")));
            assertFalse(Files.exists(stored.resolve("flood")), "the flood was stored whole");
            Await.until(() -> nginx.accessLog().stream().anyMatch(line -> line.startsWith("PUT /upload.bin ")),
                    Duration.ofSeconds(5), Duration.ofMillis(100), () -> String.join("\n", nginx.accessLog()));
            System.out.printf("nginx upstream: flood %s after %d ms; curl -T %d bytes chunked: %s in %d ms; nginx access log: %s%n",
                    exchange.statusLine(), exchange.elapsed().toMillis(), CURL_UPLOAD_BYTES, curl.stdout().strip(),
                    curl.elapsed().toMillis(), nginx.accessLog());
        } finally {
            Files.deleteIfExists(big);
            dev.burrow.testsupport.TempDirs.deleteRecursively(stored);
        }
    }

    /** curl -T of a 16 MiB file with {@code Transfer-Encoding: chunked}: every byte arrives, nothing is refused. */
    @Test
    void aRealChunkedUploadOf16MiBIsNeverCut() throws IOException {
        Tools.assumeInstalled("curl");
        Path big = DeterministicBytes.tempFile(CURL_UPLOAD_BYTES);
        long refusalsBefore = refusalLines();
        try {
            String host = edge.hostHeader("chunks");
            ClientRun curl = ClientRun.run(List.of(Tools.require("curl").toString(), "-sS", "--max-time", "100",
                    "-H", "Transfer-Encoding: chunked", "-T", big.toString(),
                    "--resolve", host + ":127.0.0.1", "http://" + host + "/upload?curl-chunked"), Duration.ofSeconds(110));
            assertEquals(0, curl.exitCode(), curl.describe());
            JsonObject answer = new JsonObject(curl.stdout().strip());
            assertEquals(CURL_UPLOAD_BYTES, answer.getLong("bytes"), curl.describe());
            assertEquals(-1L, answer.getLong("firstMismatch"), curl.describe());
            System.out.printf("curl -T %d bytes, chunked: %d ms%n", CURL_UPLOAD_BYTES, curl.elapsed().toMillis());
        } finally {
            Files.deleteIfExists(big);
        }
        assertEquals(refusalsBefore, refusalLines(), "a real upload was refused:\n" + edge.process().tail(40));
    }


    private static long refusalLines() {
        return edge.process().output().stream().filter(line -> line.text().contains("request body in too many small pieces")).count();
    }
}
