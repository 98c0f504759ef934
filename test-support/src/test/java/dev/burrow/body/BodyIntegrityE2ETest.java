package dev.burrow.body;

import dev.burrow.agent.BurrowSession;
import dev.burrow.agent.EndpointListener;
import dev.burrow.agent.TunnelConnection;
import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.DeterministicBytes;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.ScriptedHttpUpstream;
import dev.burrow.testsupport.ScriptedHttpUpstream.Script;
import dev.burrow.testsupport.TempDirs;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bytes through the exchange, with scripted upstreams and curl as the client (python's http.server and the size
 * matrix are HttpBodyConformanceE2ETest's): an HTTP/1.0 keep-alive client still gets a close-delimited body that ends
 * at the close; a body the upstream cut reaches curl as an error over HTTP/1.1 and HTTP/1.0, never as a clean
 * end; an upstream that never answers gets a 504 naming it within the agent's response timeout; an upgraded
 * connection idle both ways is closed at both ends after the edge's pipe idle timeout. One edge and one agent
 * serve every case.
 */
class BodyIntegrityE2ETest {
    private static final long MIB = 1024 * 1024;
    private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration PIPE_IDLE = Duration.ofSeconds(2);
    private static final Duration EDGE_RESPONSE_TIMEOUT = Duration.ofSeconds(6);

    private static Path dir;
    private static final List<ScriptedHttpUpstream> scripted = new ArrayList<>();
    private static EdgeProcess edge;
    private static AgentProcess agent;
    private static String silentAddress;
    private static Vertx vertx;
    private static final List<TunnelConnection> heldUnanswered = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    static void startAll() throws Exception {
        dir = Files.createTempDirectory("burrow-body-");
        edge = EdgeProcess.builder().name("edge-body").startTimeout(Duration.ofMinutes(3))
                .arg("--pipe-idle-timeout", seconds(PIPE_IDLE), "--response-timeout", seconds(EDGE_RESPONSE_TIMEOUT)).start();
        StringBuilder endpoints = new StringBuilder();
        for (Script script : Script.values()) {
            ScriptedHttpUpstream upstream = ScriptedHttpUpstream.start(script, 10 * MIB);
            scripted.add(upstream);
            endpoints.append(endpoint(name(script), upstream.address()));
            if (script == Script.SILENT) {
                silentAddress = upstream.address();
            }
        }
        Path config = Files.writeString(dir.resolve("burrow.yml"), """
                version: 1
                agent:
                  response_timeout: %s
                  inspect: false
                endpoints:
                %s""".formatted(seconds(RESPONSE_TIMEOUT), endpoints));
        agent = AgentProcess.startAll(edge).name("agent-body").startTimeout(Duration.ofMinutes(2))
                .arg("--config", config.toString()).start();
        vertx = Vertx.vertx();
        BurrowSession session = BurrowSession.builder(vertx).serverAddress("127.0.0.1:" + edge.tunnelPort())
                .authtoken(edge.authtoken()).edgeCa(edge.caPath()).connect().await(60, TimeUnit.SECONDS);
        EndpointListener mute = session.httpEndpoint().hostname("body-mute." + edge.domain()).listen().await(60, TimeUnit.SECONDS);
        holdEveryExchange(mute);
    }

    /** An agent that takes every exchange and never answers: only the edge's own bound ends the wait. */
    private static void holdEveryExchange(EndpointListener listener) {
        listener.accept().onSuccess(connection -> {
            heldUnanswered.add(connection);
            holdEveryExchange(listener);
        });
    }

    @AfterAll
    static void stopAll() {
        Closeables.closeAll(agent, edge, Closeables.of(vertx));
        scripted.forEach(ScriptedHttpUpstream::close);
        TempDirs.deleteRecursively(dir);
    }

    private static String endpoint(String name, String upstream) {
        return "  - name: " + name + "\n    url: body-" + name + "." + edge.domain() + "\n    upstream: " + upstream + "\n";
    }

    private static String name(Script script) {
        return script.name().toLowerCase().replace('_', '-');
    }

    /**
     * Whole bodies from python's http.server and close-delimited bodies, over HTTP/1.0 and 1.1, at every size, are
     * HttpBodyConformanceE2ETest's; what is left here is the HTTP/1.0 client that asked for keep-alive.
     */
    @Test
    void aCloseDelimitedBodyEndsAtTheCloseForAnHttp10KeepAliveClient() throws Exception {
        String expected = sha256OfDeterministic(10 * MIB);
        for (int i = 0; i < 3; i++) {
            Curl result = curl(name(Script.CLOSE_DELIMITED), "/", "--http1.0", "-H", "Connection: keep-alive");
            assertEquals(0, result.exit, "HTTP/1.0 keep-alive download " + i + ": " + result);
            assertEquals(expected, result.sha256, "HTTP/1.0 keep-alive download " + i + ": " + result);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"LENGTH_THEN_DIES", "CHUNKED_THEN_DIES", "CLOSE_DELIMITED_THEN_RESET"})
    void aBodyCutUpstreamIsAnErrorForCurlNeverACleanEnd(String scriptName) throws Exception {
        Script script = Script.valueOf(scriptName);
        for (String version : List.of("--http1.1", "--http1.0")) {
            for (int i = 0; i < 3; i++) {
                Curl result = curl(name(script), "/", version);
                assertNotEquals(0, result.exit, version + ": curl must fail on a cut body: " + result);
                assertTrue(result.bytes < 10 * MIB, result.toString());
            }
        }
    }

    @Test
    void anUpstreamThatNeverAnswersGetsA504NamingItWithinTheResponseTimeout() throws Exception {
        for (String version : List.of("--http1.1", "--http1.0")) {
            long start = System.nanoTime();
            Curl result = curl(name(Script.SILENT), "/", version);
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(504, result.status, result.toString());
            assertTrue(result.body.contains("upstream " + silentAddress), result.body);
            assertTrue(result.body.contains("did not answer within 3s"), result.body);
            assertTrue(seconds >= RESPONSE_TIMEOUT.toMillis() / 1000.0 - 0.2 && seconds < 15, "504 after " + seconds + " s");
        }
    }

    @Test
    void anAgentThatNeverAnswersGetsA504FromTheEdgeWithinItsResponseTimeout() throws Exception {
        long start = System.nanoTime();
        Curl result = curl("mute", "/", "--http1.1");
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(504, result.status, result.toString());
        assertTrue(result.body.contains("the agent for body-mute." + edge.domain() + " did not answer within 6s"), result.body);
        assertTrue(seconds >= EDGE_RESPONSE_TIMEOUT.toMillis() / 1000.0 - 0.2 && seconds < 20, "504 after " + seconds + " s");
        assertEquals(1, heldUnanswered.size(), "the exchange reached the agent and was held");
    }

    @Test
    void anUpgradedConnectionWhoseUpstreamSendsAndClosesDeliversEveryByte() throws Exception {
        String expected = sha256OfDeterministic(10 * MIB);
        for (int i = 0; i < 5; i++) {
            try (Socket client = upgrade(Script.UPGRADE_SEND_THEN_CLOSE)) {
                MessageDigest digest = sha256();
                long count = 0;
                byte[] buffer = new byte[64 * 1024];
                InputStream in = client.getInputStream();
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    digest.update(buffer, 0, n);
                    count += n;
                }
                assertEquals(10 * MIB, count, "upgraded download " + i);
                assertEquals(expected, hex(digest.digest()), "upgraded download " + i);
            }
        }
    }

    /** A raw client that asked the endpoint of {@code script} to upgrade and read its 101. */
    private static Socket upgrade(Script script) throws IOException {
        Socket client = new Socket(InetAddress.getLoopbackAddress(), edge.httpPort());
        client.setSoTimeout(20_000);
        OutputStream out = client.getOutputStream();
        out.write(("GET / HTTP/1.1\r\nHost: body-" + name(script) + "." + edge.domain()
                + "\r\nConnection: Upgrade\r\nUpgrade: scripted\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String head = readHead(client.getInputStream());
        assertTrue(head.startsWith("HTTP/1.1 101"), head);
        return client;
    }

    @Test
    void anUpgradedConnectionIdleBothWaysIsClosedAtBothEnds() throws Exception {
        try (Socket client = upgrade(Script.UPGRADE_THEN_WAIT)) {
            InputStream in = client.getInputStream();
            long start = System.nanoTime();
            int next;
            try {
                next = in.read();
            } catch (IOException reset) {
                next = -1;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(-1, next, "the idle upgraded connection must be closed");
            assertTrue(seconds >= PIPE_IDLE.toMillis() / 1000.0 - 0.2 && seconds < 15, "closed after " + seconds + " s");
        }
        ScriptedHttpUpstream upstream = scripted.get(Script.UPGRADE_THEN_WAIT.ordinal());
        assertTrue(upstream.awaitUpgradedClosed(10_000), "the upstream side of the idle pipe was not closed");
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            head.append((char) b);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        return head.toString();
    }

    // ---- curl ----

    private record Curl(int exit, int status, long bytes, String sha256, String body, String stderr) {
        @Override
        public String toString() {
            return "curl exit " + exit + ", status " + status + ", " + bytes + " bytes, sha256 " + sha256 + ", stderr: " + stderr.strip();
        }
    }

    /** curl {@code options} (the HTTP version, extra headers) for {@code path} on endpoint {@code name}. */
    private static Curl curl(String name, String path, String... options) throws Exception {
        Path out = Files.createTempFile(dir, "download-", ".bin");
        try {
            List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "60", "-o", out.toString(),
                    "-w", "%{http_code}", "-H", "Host: body-" + name + "." + edge.domain()));
            command.addAll(List.of(options));
            command.add("http://127.0.0.1:" + edge.httpPort() + path);
            Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
            String status = new String(process.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(90, TimeUnit.SECONDS), "curl did not finish");
            byte[] bytes = Files.readAllBytes(out);
            String body = bytes.length < 64 * 1024 ? new String(bytes, StandardCharsets.UTF_8) : "";
            return new Curl(process.exitValue(), status.isEmpty() ? 0 : Integer.parseInt(status), bytes.length,
                    hex(sha256().digest(bytes)), body, stderr);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    // ---- bodies ----

    private static String sha256OfDeterministic(long size) {
        MessageDigest digest = sha256();
        for (long offset = 0; offset < size; offset += DeterministicBytes.MAX_CHUNK) {
            digest.update(DeterministicBytes.slice(offset, (int) Math.min(DeterministicBytes.MAX_CHUNK, size - offset)));
        }
        return hex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    private static String seconds(Duration duration) {
        return duration.toSeconds() + "s";
    }
}
