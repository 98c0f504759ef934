package dev.burrow.e2e;

import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.Upstream;
import dev.burrow.testsupport.tools.ClientRun;
import dev.burrow.testsupport.tools.Curl;
import dev.burrow.testsupport.tools.PythonHttpServer;
import dev.burrow.testsupport.tools.ServedFiles;
import dev.burrow.testsupport.tools.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HTTP/2 with prior knowledge (h2c) on the plain HTTP port, with real clients: curl {@code --http2-prior-knowledge}
 * and h2load without TLS. Each stream is one exchange, routed by {@code :authority} as HTTP/1.1 is by Host, through the
 * same module chain (a traffic policy's deny applies alike), and HTTP/1.1 on the same port is unchanged.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class H2cE2ETest {
    private static final long LARGE = 32L * 1024 * 1024;
    private static final Pattern WRITTEN = Pattern.compile("h2c-result version=(\\S+) status=(\\d+) bytes=(\\d+)");

    private Path policy;
    private ServedFiles files;
    private PythonHttpServer python;
    private Upstream upstream;
    private EdgeProcess edge;
    private AgentProcess filesAgent;
    private AgentProcess agent;

    @BeforeAll
    void start() throws IOException {
        Tools.assumeInstalled("curl", "python3");
        policy = Files.createTempFile("h2c-policy", ".yml");
        Files.writeString(policy, """
                on_http_request:
                  - expressions: ["req.url.path.startsWith('/private')"]
                    actions:
                      - type: deny
                        config: {status_code: 403}
                """);
        files = ServedFiles.create(LARGE);
        python = PythonHttpServer.serve(files.dir());
        upstream = Upstream.start();
        edge = EdgeProcess.builder().name("edge-h2c").start();
        filesAgent = AgentProcess.http(edge, python.address()).name("agent-h2c-files").subdomain("files").start();
        agent = AgentProcess.http(edge, upstream.httpAddress()).name("agent-h2c").subdomain("web")
                .arg("--traffic-policy-file", policy.toString()).start();
    }

    @AfterAll
    void stop() throws IOException {
        Closeables.closeAll(agent, filesAgent, edge, upstream, python, files);
        if (policy != null) {
            Files.deleteIfExists(policy);
        }
    }

    @Test
    void aLargeFileFromPythonsHttpServerArrivesWholeOverH2c() {
        ClientRun run = curl("files", "/" + ServedFiles.name(LARGE), "--http2-prior-knowledge");
        assertEquals(List.of("2", "200", Long.toString(LARGE)), written(run), run.describe());
        assertEquals(files.sha256(LARGE), run.stdoutSha256(), "body digest");
    }

    @Test
    void eachStreamIsAnExchangeRoutedByAuthorityWithThePlainSchemeAndTheClientsAddress() {
        ClientRun run = curl("web", "/echo?h2c=1", "--http2-prior-knowledge");
        assertEquals(List.of("2", "200"), written(run).subList(0, 2), run.describe());
        Upstream.RecordedRequest seen = upstream.awaitRequest(r -> r.uri().equals("/echo?h2c=1"), Duration.ofSeconds(10));
        assertEquals("http", seen.header("X-Forwarded-Proto"));
        assertEquals("127.0.0.1", seen.header("X-Forwarded-For"));
        assertEquals(edge.hostHeader("web"), seen.header("X-Forwarded-Host"));
    }

    @Test
    void anUnknownAuthorityGets404OverH2c() {
        ClientRun run = curl("nobody", "/", "--http2-prior-knowledge");
        assertEquals(List.of("2", "404"), written(run).subList(0, 2), run.describe());
    }

    @Test
    void aPolicyDenyAppliesOnH2cExactlyAsOnHttp1AndHttp2OverTls() {
        ClientRun h2c = curl("web", "/private/h2c", "--http2-prior-knowledge");
        ClientRun http1 = curl("web", "/private/http1", "--http1.1");
        assertEquals(List.of("2", "403"), written(h2c).subList(0, 2), h2c.describe());
        assertEquals(List.of("1.1", "403"), written(http1).subList(0, 2), http1.describe());
        ClientRun overTls = Curl.https(edge.httpsPort(), edge.caPath(), "web.localhost", "/private/h2", "--http2");
        assertTrue(Curl.statusLine(overTls).startsWith("HTTP/2 403"), overTls.describe());
        assertEquals(List.of("2", "200"), written(curl("web", "/echo?public", "--http2-prior-knowledge")).subList(0, 2));
        assertTrue(upstream.requests().stream().noneMatch(r -> r.uri().startsWith("/private")), "a denied request was relayed");
    }

    @Test
    void h2loadWithoutTlsCompletesEveryRequest() {
        Tools.assumeInstalled("h2load");
        ClientRun load = h2load("http://127.0.0.1:" + edge.httpPort() + "/echo?load");
        assertTrue(load.stdout().contains("400 succeeded, 0 failed"), load.describe());
        assertTrue(load.stdout().contains("Application protocol: h2c"), load.describe());
        assertEquals(400, upstream.requests().stream().filter(r -> r.uri().equals("/echo?load")).count());
        // The same load over TLS, over HTTP/1.1, and h2c again (warm), for comparison (a shared machine's figures vary).
        ClientRun overTls = h2load("https://127.0.0.1:" + edge.httpsPort() + "/echo?load-tls");
        ClientRun http1 = h2load("http://127.0.0.1:" + edge.httpPort() + "/echo?load-h1", "--h1");
        assertTrue(overTls.stdout().contains("400 succeeded, 0 failed"), overTls.describe());
        assertTrue(http1.stdout().contains("400 succeeded, 0 failed"), http1.describe());
        ClientRun again = h2load("http://127.0.0.1:" + edge.httpPort() + "/echo?load-again");
        assertTrue(again.stdout().contains("400 succeeded, 0 failed"), again.describe());
        for (ClientRun run : List.of(load, overTls, http1, again)) {
            System.out.println(String.join(" ", run.command().subList(7, run.command().size())) + "\n"
                    + run.stdout().lines().filter(l -> l.startsWith("finished in") || l.startsWith("time for request:"))
                    .reduce("", (x, y) -> x + y + "\n"));
        }
    }

    /**
     * Real clients, many connections and streams at once, with the edge's default limits: every stream is answered and
     * no connection is cut off by the HTTP/2 flood guard or the idle timeout.
     */
    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void h2loadWithFiftyConnectionsOfAHundredStreamsIsNeverCutOff() {
        Tools.assumeInstalled("h2load");
        for (String url : List.of("https://127.0.0.1:" + edge.httpsPort() + "/echo?many", "http://127.0.0.1:" + edge.httpPort() + "/echo?many")) {
            ClientRun load = ClientRun.run(List.of(Tools.require("h2load").toString(), "-n", "5000", "-c", "50", "-m", "100",
                    url, "-H", ":authority: web.localhost:" + URI.create(url).getPort()), Duration.ofSeconds(110));
            // Every stream answered (some may be 504 when the test upstream lags behind 5 000 requests at once).
            assertTrue(load.stdout().contains("requests: 5000 total, 5000 started, 5000 done"), load.describe());
            assertTrue(load.stdout().contains(" 0 errored, 0 timeout"), load.describe());
            System.out.println(url + ": " + load.stdout().lines().filter(l -> l.startsWith("finished in")).findFirst().orElse(""));
        }
        assertTrue(edge.process().output().stream().noneMatch(line -> line.text().contains("GOAWAY ENHANCE_YOUR_CALM")),
                "a real client was cut off:\n" + edge.process().tail(40));
    }

    /** h2load, 400 requests on 4 connections, 8 streams each, naming the web endpoint; {@code extra} after the URL. */
    private ClientRun h2load(String url, String... extra) {
        List<String> command = new ArrayList<>(List.of(Tools.require("h2load").toString(), "-n", "400", "-c", "4", "-m", "8",
                url, "-H", ":authority: web.localhost:" + URI.create(url).getPort()));
        command.addAll(List.of(extra));
        return ClientRun.run(command, Duration.ofSeconds(90));
    }

    @Test
    void anUpgradeToH2cIsAnsweredOverHttp11() {
        // curl --http2 on http:// offers Upgrade: h2c with HTTP2-Settings; the edge ignores the offer.
        ClientRun run = curl("web", "/echo?upgrade-offer", "--http2");
        assertEquals(List.of("1.1", "200"), written(run).subList(0, 2), run.describe());
        Upstream.RecordedRequest seen = upstream.awaitRequest(r -> r.uri().equals("/echo?upgrade-offer"), Duration.ofSeconds(10));
        assertEquals(null, seen.header("HTTP2-Settings"));
    }

    @Test
    void anHttp1RequestBehindThePrefaceIsReadAsHttp2AndNeverRelayed() throws IOException {
        String smuggled = "GET /smuggled-behind-preface HTTP/1.1\r\nHost: " + edge.hostHeader("web") + "\r\n\r\n";
        byte[] answer = exchange(("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + smuggled).getBytes(StandardCharsets.US_ASCII));
        List<Integer> types = frameTypes(answer);
        assertFalse(types.isEmpty(), "no HTTP/2 frame came back");
        assertEquals(0x4, types.get(0), "the server's preface is a SETTINGS frame: " + types);
        assertTrue(types.contains(0x7), "GOAWAY for the bytes that are no frame: " + types);
        assertTrue(upstream.requests().stream().noneMatch(r -> r.uri().startsWith("/smuggled")));
    }

    /** Writes {@code bytes} on a new connection to the plain port and reads until the edge closes it (10 s at most). */
    private byte[] exchange(byte[] bytes) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", edge.httpPort()), 5_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(bytes);
            out.flush();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            try {
                for (int n; (n = in.read(buffer)) >= 0 && answer.size() < 1 << 20; ) {
                    answer.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the edge kept the connection open; read " + answer.size() + " bytes", e);
            }
            return answer.toByteArray();
        }
    }

    /** The type of each HTTP/2 frame in {@code bytes} (9-byte headers, 24-bit lengths), in order. */
    private static List<Integer> frameTypes(byte[] bytes) {
        List<Integer> types = new ArrayList<>();
        int at = 0;
        while (at + 9 <= bytes.length) {
            int length = (bytes[at] & 0xff) << 16 | (bytes[at + 1] & 0xff) << 8 | bytes[at + 2] & 0xff;
            types.add(bytes[at + 3] & 0xff);
            at += 9 + length;
        }
        return types;
    }

    /** curl to {@code http://NAME.localhost:<http port>PATH} (resolved to loopback) with {@code flag}; body on stdout. */
    private ClientRun curl(String name, String path, String flag) {
        String host = edge.hostHeader(name);
        return Curl.run("-sS", flag, "--max-time", "60", "--resolve", host + ":127.0.0.1", "-o", "-",
                "-w", "%{stderr}h2c-result version=%{http_version} status=%{http_code} bytes=%{size_download}\\n",
                "http://" + host + path);
    }

    /** The HTTP version, status and body size curl reported. */
    private static List<String> written(ClientRun run) {
        Matcher m = WRITTEN.matcher(run.stderr());
        return m.find() ? List.of(m.group(1), m.group(2), m.group(3)) : List.of("?", "?", "?");
    }
}
