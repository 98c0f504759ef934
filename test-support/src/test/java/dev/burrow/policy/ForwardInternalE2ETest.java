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
 * policy runs, and a policy that forwards in a loop is refused. Internal names are per account: the other tenant binds
 * {@code api.internal} too (before the owner does), served by a third python http.server with another file, and each
 * tenant's front endpoint gets its own tenant's file. {@code on_error: continue} lets a request whose internal endpoint
 * is missing (or another tenant's) go on to the next action and the endpoint's own upstream; {@code halt} answers 404.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ForwardInternalE2ETest {
    private static final Duration CURL_LIMIT = Duration.ofSeconds(20);
    private static Path dir;
    private static PythonHttpServer apiServer;
    private static PythonHttpServer webServer;
    private static PythonHttpServer otherApiServer;
    private static Upstream fallbackUpstream;
    private static Upstream frontUpstream;
    private static Upstream otherUpstream;
    private static EdgeProcess edge;
    private static AgentProcess owner;
    private static AgentProcess other;
    private static Path apiFile;
    private static Path webFile;
    private static Path otherApiFile;

    @BeforeAll
    static void start() throws Exception {
        Tools.assumeInstalled("curl", "python3");
        dir = Files.createTempDirectory("burrow-internal-");
        apiFile = write(dir.resolve("api-root/api/v1/users.json"), "{\"users\": [\"ada\", \"grace\"]}\n");
        webFile = write(dir.resolve("web-root/index.html"), "<!doctype html><title>web</title>" + "w".repeat(40_000) + "\n");
        apiServer = PythonHttpServer.serve(dir.resolve("api-root"));
        webServer = PythonHttpServer.serve(dir.resolve("web-root"));
        otherApiFile = write(dir.resolve("other-api-root/api/v1/users.json"), "{\"users\": [\"the other tenant's\"]}\n");
        otherApiServer = PythonHttpServer.serve(dir.resolve("other-api-root"));
        fallbackUpstream = Upstream.start();
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
                    upstream: %1$s
                  - name: api
                    url: https://api.internal
                    bindings: [internal]
                    upstream: %2$s
                  - name: front
                    url: front-other.%3$s
                    upstream: 127.0.0.1:%4$d
                    traffic_policy:
                      on_http_request:
                        - actions:
                            - type: forward-internal
                              config: {url: "https://api.internal"}
                """.formatted(otherUpstream.httpAddress(), otherApiServer.address(), edge.domain(),
                dev.burrow.testsupport.FreePorts.closedPort()));
        other = AgentProcess.startAll(edge).name("agent-other").authtoken(otherToken)
                .arg("--config", otherConfig.toString()).start();
        awaitForwarding(other, 3);

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
                  - name: fallback
                    url: fallback.%1$s
                    upstream: %5$s
                    traffic_policy:
                      on_http_request:
                        - name: continue past a missing one
                          expressions: ["req.url.query == 'continue'"]
                          actions:
                            - type: forward-internal
                              config: {url: "https://gone.internal", on_error: continue}
                            - type: add-headers
                              config: {headers: {x-fell-through: "yes"}}
                        - name: halt at a missing one
                          expressions: ["req.url.query == 'halt'"]
                          actions:
                            - type: forward-internal
                              config: {url: "https://gone.internal", on_error: halt}
                        - name: continue past another tenant's
                          expressions: ["req.url.query == 'other'"]
                          actions:
                            - type: forward-internal
                              config: {url: "https://secret.internal", on_error: continue}
                        - name: continue to a present one
                          expressions: ["req.url.path.startsWith('/api')"]
                          actions:
                            - type: forward-internal
                              config: {url: "https://api.internal", on_error: continue}
                """.formatted(edge.domain(), frontUpstream.httpAddress(), apiServer.address(), webServer.address(),
                fallbackUpstream.httpAddress()));
        owner = AgentProcess.startAll(edge).name("agent-owner").authtoken(ownerToken)
                .arg("--config", config.toString()).start();
        awaitForwarding(owner, 5);
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(owner, other, edge, apiServer, webServer, otherApiServer, frontUpstream, otherUpstream,
                fallbackUpstream);
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

    @Test
    void twoTenantsEachBindApiInternalAndEachFrontReachesItsOwn() throws IOException {
        Curl.Result owners = curl("/api/v1/users.json");
        Curl.Result others = curl("front-other", "/api/v1/users.json");
        assertEquals(200, owners.status(), owners.run().describe());
        assertEquals(200, others.status(), others.run().describe());
        assertEquals(Sha256.of(apiFile), owners.run().stdoutSha256(), "the owner's api.internal serves the owner's file");
        assertEquals(Sha256.of(otherApiFile), others.run().stdoutSha256(), "the other's api.internal serves the other's file");
        assertTrue(pythonSaw(otherApiServer, "GET /api/v1/users.json"), otherApiServer.process().tail(10));
    }

    @Test
    void onErrorContinueGoesOnToTheNextActionAndTheEndpointsOwnUpstreamWhenTheInternalEndpointIsMissing() throws IOException {
        Curl.Result missing = curl("fallback", "/echo?continue");
        assertEquals(200, missing.status(), missing.run().describe());
        Upstream.RecordedRequest reached = fallbackUpstream.awaitRequest(r -> r.uri().equals("/echo?continue"), CURL_LIMIT);
        assertEquals("yes", reached.header("x-fell-through"), "the next action ran before the endpoint's own upstream");

        Curl.Result otherTenant = curl("fallback", "/echo?other");
        assertEquals(200, otherTenant.status(), otherTenant.run().describe());
        fallbackUpstream.awaitRequest(r -> r.uri().equals("/echo?other"), CURL_LIMIT);
        assertTrue(otherUpstream.requests().isEmpty(), "another tenant's endpoint counts as missing: " + otherUpstream.requests());

        Curl.Result present = curl("fallback", "/api/v1/users.json");
        assertEquals(200, present.status(), present.run().describe());
        assertEquals(Sha256.of(apiFile), present.run().stdoutSha256(), "a present one is forwarded to, as with halt");
    }

    @Test
    void onErrorHaltAnswersTheUnknownHost404AndTheEndpointsOwnUpstreamGetsNothing() throws IOException {
        Curl.Result halted = curl("fallback", "/echo?halt");
        assertEquals(404, halted.status(), halted.run().describe());
        assertTrue(halted.run().stdout().contains("Tunnel gone.internal not found"), halted.run().stdout());
        assertTrue(fallbackUpstream.requests().stream().noneMatch(r -> r.uri().contains("halt")),
                "halt never reaches the endpoint's own upstream: " + fallbackUpstream.requests());
    }

    private static Curl.Result curl(String path) {
        return curl("front", path);
    }

    private static Curl.Result curl(String endpoint, String path) {
        return Curl.get(Curl.Version.HTTP_1_1, edge.httpPort(), endpoint + "." + edge.domain(), path, CURL_LIMIT);
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
