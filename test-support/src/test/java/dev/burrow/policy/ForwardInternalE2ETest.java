package dev.burrow.policy;

import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.RawHttpClient;
import dev.burrow.testsupport.TempDirs;
import dev.burrow.testsupport.Upstream;
import dev.burrow.testsupport.tools.Curl;
import dev.burrow.testsupport.tools.PythonHttpServer;
import dev.burrow.testsupport.tools.Sha256;
import dev.burrow.testsupport.tools.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One public endpoint fans out by path to two internal endpoints ({@code bindings: [internal]}) served by two
 * python http.servers with different files, through {@code forward-internal}; curl gets each file's exact bytes. The
 * internal endpoints are unreachable from the public listener under any spelling of their name, another tenant's
 * internal endpoint is answered like a name nobody serves (and its upstream sees nothing), the internal endpoint's own
 * policy runs, and a policy that forwards in a loop is refused.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ForwardInternalE2ETest {
    private static final Duration CURL_LIMIT = Duration.ofSeconds(20);
    private static Path dir;
    private static PythonHttpServer apiServer;
    private static PythonHttpServer webServer;
    private static Upstream frontUpstream;
    private static Upstream otherUpstream;
    private static EdgeProcess edge;
    private static AgentProcess owner;
    private static AgentProcess other;
    private static Path apiFile;
    private static Path webFile;

    @BeforeAll
    static void start() throws Exception {
        Tools.assumeInstalled("curl", "python3");
        dir = Files.createTempDirectory("burrow-internal-");
        apiFile = write(dir.resolve("api-root/api/v1/users.json"), "{\"users\": [\"ada\", \"grace\"]}\n");
        webFile = write(dir.resolve("web-root/index.html"), "<!doctype html><title>web</title>" + "w".repeat(40_000) + "\n");
        apiServer = PythonHttpServer.serve(dir.resolve("api-root"));
        webServer = PythonHttpServer.serve(dir.resolve("web-root"));
        frontUpstream = Upstream.start();
        otherUpstream = Upstream.start();
        edge = EdgeProcess.builder().name("edge-internal").start();
        edge.admin().createTenant("owner", 0, 0, 0);
        edge.admin().createTenant("other", 0, 0, 0);
        String ownerToken = edge.admin().issueToken("owner").getString("token");
        String otherToken = edge.admin().issueToken("other").getString("token");

        Path otherConfig = write(dir.resolve("other.yml"), """
                version: 1
                agent:
                  inspect: false
                endpoints:
                  - name: secret
                    url: https://secret.internal
                    bindings: [internal]
                    upstream: %s
                """.formatted(otherUpstream.httpAddress()));
        other = AgentProcess.startAll(edge).name("agent-other").authtoken(otherToken)
                .arg("--config", otherConfig.toString()).start();
        awaitForwarding(other, 1);

        Path config = write(dir.resolve("owner.yml"), """
                version: 1
                agent:
                  inspect: false
                endpoints:
                  - name: front
                    url: front.%1$s
                    upstream: %2$s
                    traffic_policy:
                      on_http_request:
                        - name: another tenant's internal endpoint
                          expressions: ["req.url.path.startsWith('/other')"]
                          actions:
                            - type: forward-internal
                              config: {url: "https://secret.internal"}
                        - name: a name nobody serves
                          expressions: ["req.url.path.startsWith('/nobody')"]
                          actions:
                            - type: forward-internal
                              config: {url: "https://nobody.internal"}
                        - name: loops
                          expressions: ["req.url.path.startsWith('/loop')"]
                          actions:
                            - type: forward-internal
                              config: {url: "https://loop.internal"}
                        - name: by path
                          actions:
                            - type: forward-internal
                              config:
                                url: "https://${req.url.path.startsWith('/api') ? 'api' : 'web'}.internal"
                  - name: api
                    url: https://api.internal
                    bindings: [internal]
                    upstream: %3$s
                    traffic_policy:
                      on_http_request:
                        - expressions: ["req.url.path.startsWith('/api/admin')"]
                          actions:
                            - type: custom-response
                              config: {status_code: 403, body: "refused by the policy of api.internal"}
                  - name: web
                    url: web.internal
                    upstream: %4$s
                  - name: loop
                    url: https://loop.internal
                    bindings: [internal]
                    upstream: %2$s
                    traffic_policy:
                      on_http_request:
                        - actions:
                            - type: forward-internal
                              config: {url: "https://loop.internal"}
                """.formatted(edge.domain(), frontUpstream.httpAddress(), apiServer.address(), webServer.address()));
        owner = AgentProcess.startAll(edge).name("agent-owner").authtoken(ownerToken)
                .arg("--config", config.toString()).start();
        awaitForwarding(owner, 4);
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(owner, other, edge, apiServer, webServer, frontUpstream, otherUpstream);
        if (dir != null) {
            TempDirs.deleteRecursively(dir);
        }
    }

    @Test
    void onePublicEndpointFansOutByPathToTwoInternalUpstreams() throws IOException {
        Curl.Result api = curl("/api/v1/users.json");
        assertEquals(200, api.status(), api.run().describe());
        assertEquals(Sha256.of(apiFile), api.run().stdoutSha256(), "the api server's file, whole");
        Curl.Result web = curl("/index.html");
        assertEquals(200, web.status(), web.run().describe());
        assertEquals(Sha256.of(webFile), web.run().stdoutSha256(), "the web server's file, whole");
        assertTrue(pythonSaw(apiServer, "GET /api/v1/users.json"), apiServer.process().tail(10));
        assertTrue(pythonSaw(webServer, "GET /index.html"), webServer.process().tail(10));
        assertTrue(frontUpstream.requests().isEmpty(), "the public endpoint's own upstream got nothing: " + frontUpstream.requests());
    }

    @Test
    void theInternalEndpointsOwnPolicyRuns() throws IOException {
        Curl.Result refused = curl("/api/admin/x");
        assertEquals(403, refused.status(), refused.run().describe());
        assertEquals("refused by the policy of api.internal", refused.run().stdout());
        assertTrue(!pythonSaw(apiServer, "/api/admin"), "the internal endpoint's policy kept it from its upstream");
    }

    @Test
    void aPublicRequestForAnInternalNameGetsTheUnknownHostAnswerWhateverItsSpelling() throws IOException {
        String unknown = withoutDate(exchange("zzz.internal", "/probe-unknown")).replace("zzz.internal", "api.internal");
        assertTrue(unknown.startsWith("HTTP/1.1 404 "), unknown);
        for (String host : List.of("api.internal", "api.internal.", "API.INTERNAL", "Api.Internal:443", "api.internal:80",
                "api.internal.:8080")) {
            assertEquals(unknown, withoutDate(exchange(host, "/probe-public")), "Host: " + host);
        }
        Curl.Result https = Curl.get(Curl.Version.HTTP_1_1, edge.httpPort(), "web.internal", "/index.html", CURL_LIMIT);
        assertEquals(404, https.status(), https.run().describe());
        assertTrue(!pythonSaw(apiServer, "probe") && !pythonSaw(webServer, "probe"), "an internal upstream saw a public request");
    }

    @Test
    void anotherTenantsInternalEndpointIsAnsweredLikeANameNobodyServes() throws IOException {
        Curl.Result nobody = curl("/nobody");
        Curl.Result otherTenant = curl("/other");
        assertEquals(404, nobody.status(), nobody.run().describe());
        assertEquals(404, otherTenant.status(), otherTenant.run().describe());
        assertEquals(nobody.run().stdout().replace("nobody.internal", "secret.internal"), otherTenant.run().stdout());
        assertTrue(otherUpstream.requests().isEmpty(), "the other tenant's upstream saw " + otherUpstream.requests());
    }

    @Test
    void aPolicyThatForwardsInALoopIsRefused() throws IOException {
        Curl.Result loop = curl("/loop");
        assertEquals(508, loop.status(), loop.run().describe());
        assertTrue(loop.run().stdout().contains("forward"), loop.run().stdout());
        assertTrue(frontUpstream.requests().isEmpty(), "the loop's upstream got nothing: " + frontUpstream.requests());
    }

    private static Curl.Result curl(String path) {
        return Curl.get(Curl.Version.HTTP_1_1, edge.httpPort(), "front." + edge.domain(), path, CURL_LIMIT);
    }

    /** The exact bytes the edge answers to a GET with this Host header, as text. */
    private static String exchange(String host, String path) {
        try (RawHttpClient client = RawHttpClient.connect(edge.httpPort())) {
            client.write("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
            RawHttpClient.Response response = client.readResponse(false);
            StringBuilder text = new StringBuilder(response.statusLine()).append("\r\n");
            for (Map.Entry<String, String> header : response.headers()) {
                text.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
            }
            return text.append("\r\n").append(response.bodyText()).toString();
        }
    }

    private static String withoutDate(String response) {
        return response.replaceAll("(?im)^date: [^\r\n]*\r\n", "");
    }

    private static boolean pythonSaw(PythonHttpServer server, String text) {
        return server.process().stderrLines().stream().anyMatch(line -> line.contains(text));
    }

    private static Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static void awaitForwarding(AgentProcess agent, int endpoints) {
        dev.burrow.testsupport.Await.until(() -> agent.process().stdoutLines().stream()
                        .filter(l -> AgentProcess.FORWARDING_LINE.matcher(l).find()).distinct().count() >= endpoints,
                Duration.ofSeconds(60), Duration.ofMillis(50),
                () -> "the agent did not forward all " + endpoints + " endpoints:\n" + agent.process().tail(20));
    }
}
