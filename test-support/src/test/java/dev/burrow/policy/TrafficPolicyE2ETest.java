package dev.burrow.policy;

import dev.burrow.policy.HostCurl.Reply;

import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.TempDirs;
import dev.burrow.testsupport.Upstream;
import dev.burrow.testsupport.tools.NginxServer;
import dev.burrow.testsupport.tools.Sha256;
import dev.burrow.testsupport.tools.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Traffic policies from an agent's config file, enforced by a real edge, seen through curl (the client) and by the
 * upstream (what reached it): restrict-ips against the socket peer whatever X-Forwarded-For says, a path rule that the
 * usual spellings of "/admin" cannot slip past, basic-auth, request and response headers, a rate limit with its
 * Retry-After, and compress-response over nginx whose bytes curl gets back exactly.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class TrafficPolicyE2ETest {
    private static final Duration CURL_LIMIT = Duration.ofSeconds(30);
    private static final int RATE_CAPACITY = 3;
    private static Path dir;
    private static Upstream upstream;
    private static NginxServer nginx;
    private static Path page;
    private static EdgeProcess edge;
    private static AgentProcess agent;

    @BeforeAll
    static void start() throws IOException {
        Tools.assumeInstalled("curl", "nginx");
        dir = Files.createTempDirectory("burrow-policy-");
        Path served = Files.createDirectory(dir.resolve("www"));
        page = served.resolve("page.txt");
        StringBuilder text = new StringBuilder();
        for (int line = 0; text.length() < 300_000; line++) {
            text.append("line ").append(line).append(": the quick brown fox jumps over the lazy dog\n");
        }
        Files.writeString(page, text);
        for (Path p : List.of(dir, served, page)) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
        }
        upstream = Upstream.start();
        nginx = NginxServer.serve(served);
        edge = EdgeProcess.builder().name("edge-policy").startTimeout(Duration.ofMinutes(3)).start();
        Path config = Files.writeString(dir.resolve("burrow.yml"), """
                version: 1
                agent:
                  inspect: false
                endpoints:
                  - name: office
                    url: office.%1$s
                    upstream: %2$s
                    traffic_policy:
                      on_tcp_connect:
                        - actions:
                            - type: restrict-ips
                              config:
                                allow: [127.0.0.1/32]
                  - name: api
                    url: api.%1$s
                    upstream: %2$s
                    traffic_policy:
                      on_http_request:
                        - name: no admin from outside
                          expressions: ["req.url.path.startsWith('/admin')"]
                          actions:
                            - type: deny
                              config: {status_code: 403}
                        - name: private needs a password
                          expressions: ["req.url.path.startsWith('/private')"]
                          actions:
                            - type: basic-auth
                              config:
                                realm: private area
                                credentials: ["ops:s3cret pass"]
                            - type: remove-headers
                              config: {headers: [authorization]}
                            - type: add-headers
                              config: {headers: {x-policy-user: "${actions.ngrok.basic_auth.username}"}}
                        - actions:
                            - type: add-headers
                              config: {headers: {x-client-ip: "${conn.client_ip}"}}
                      on_http_response:
                        - actions:
                            - type: add-headers
                              config: {headers: {x-frame-options: DENY}}
                  - name: limited
                    url: limited.%1$s
                    upstream: %2$s
                    traffic_policy:
                      on_http_request:
                        - actions:
                            - type: rate-limit
                              config: {capacity: %3$d, rate: 60s}
                  - name: compressed
                    url: compressed.%1$s
                    upstream: %4$s
                    traffic_policy:
                      on_http_response:
                        - actions:
                            - type: compress-response
                """.formatted(edge.domain(), upstream.httpAddress(), RATE_CAPACITY, nginx.address()));
        agent = AgentProcess.startAll(edge).name("agent-policy").startTimeout(Duration.ofMinutes(2))
                .arg("--config", config.toString()).start();
        awaitForwarding(4);
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(agent, edge, nginx, upstream);
        if (dir != null) {
            TempDirs.deleteRecursively(dir);
        }
    }

    @Test
    void restrictIpsGoesByTheSocketPeerNeverByXForwardedFor() throws IOException {
        assertEquals(200, curl("office", "127.0.0.1", "/echo?from=allowed").status());
        Reply spoofed = curl("office", "127.0.0.2", "/echo?from=spoofed", "-H", "X-Forwarded-For: 127.0.0.1",
                "-H", "X-Real-IP: 127.0.0.1");
        assertEquals(0, spoofed.status(), "no HTTP answer at all: the connection is closed; " + spoofed.run().describe());
        assertNotEquals(0, spoofed.run().exitCode(), "curl reports the closed connection");
        assertTrue(upstream.requests().stream().anyMatch(r -> r.uri().equals("/echo?from=allowed")));
        assertFalse(upstream.requests().stream().anyMatch(r -> r.uri().contains("spoofed")), "the upstream saw the refused request");
    }

    @Test
    void noSpellingOfTheAdminPathGetsPastThePathRule() throws IOException {
        List<String> spellings = List.of("/admin", "/admin/users", "//admin", "/x/../admin", "/./admin", "/%2fadmin",
                "/%2Fadmin/x", "/%61dmin", "/public/..%2fadmin");
        for (String path : spellings) {
            Reply reply = curl("api", "127.0.0.1", path + "?spelling", "--path-as-is");
            assertEquals(403, reply.status(), path + ": " + reply.run().describe());
        }
        Reply http10 = curl("api", "127.0.0.1", "/admin?http10", "--http1.0");
        assertEquals(403, http10.status(), http10.run().describe());
        assertEquals(200, curl("api", "127.0.0.1", "/echo?spelling-control").status());
        assertTrue(upstream.requests().stream().noneMatch(r -> r.uri().contains("spelling") && !r.uri().contains("control")
                        || r.uri().contains("http10")),
                "a refused spelling reached the upstream: " + upstream.requests().stream().map(Upstream.RecordedRequest::uri).toList());
    }

    @Test
    void basicAuthRefusesWithoutTheRightPasswordAndTheUpstreamLearnsWhoCame() throws IOException {
        Reply none = curl("api", "127.0.0.1", "/private/none");
        assertEquals(401, none.status());
        assertEquals("Basic realm=\"private area\", charset=\"UTF-8\"", none.header("www-authenticate"));
        assertEquals(401, curl("api", "127.0.0.1", "/private/wrong", "-u", "ops:s3cret").status());
        assertEquals(401, curl("api", "127.0.0.1", "/private/other-user", "-u", "root:s3cret pass").status());
        assertTrue(upstream.requests().stream().noneMatch(r -> r.uri().startsWith("/private")), "a refused login reached the upstream");

        Reply ok = curl("api", "127.0.0.1", "/private/ok", "-u", "ops:s3cret pass");
        assertEquals(404, ok.status(), "the upstream's own answer (it has no /private route)");
        assertEquals("burrow-e2e", ok.header("x-upstream"), "answered by the upstream");
        assertEquals("DENY", ok.header("x-frame-options"), "the response phase added it");
        Upstream.RecordedRequest seen = upstream.awaitRequest(r -> r.uri().equals("/private/ok"), Duration.ofSeconds(5));
        assertEquals("ops", seen.header("x-policy-user"));
        assertEquals("127.0.0.1", seen.header("x-client-ip"));
        assertNull(seen.header("authorization"), "remove-headers took the password out");
    }

    @Test
    void aRateLimitAnswers429WithRetryAfterOnceItsCapacityIsUsed() throws IOException {
        for (int i = 0; i < RATE_CAPACITY; i++) {
            assertEquals(200, curl("limited", "127.0.0.1", "/echo?limited=" + i).status());
        }
        Reply over = curl("limited", "127.0.0.1", "/echo?limited=over");
        assertEquals(429, over.status(), over.run().describe());
        int retryAfter = Integer.parseInt(over.header("retry-after"));
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
        assertEquals(RATE_CAPACITY, upstream.requests().stream().filter(r -> r.uri().startsWith("/echo?limited=")).count());
    }

    @Test
    void compressResponseGivesCurlTheFilesExactBytes() throws IOException {
        String expected = Sha256.of(page);
        Reply gzip = curl("compressed", "127.0.0.1", "/page.txt", "--compressed");
        assertEquals(200, gzip.status());
        assertEquals("gzip", gzip.header("content-encoding"));
        assertEquals("Accept-Encoding", gzip.header("vary"));
        assertEquals(expected, gzip.run().stdoutSha256(), "curl's decompressed body is the file");
        assertTrue(gzip.bytesOnTheWire() < Files.size(page) / 4, "compressed on the wire: " + gzip.bytesOnTheWire() + " bytes");

        Reply plain = curl("compressed", "127.0.0.1", "/page.txt");
        assertEquals(200, plain.status());
        assertNull(plain.header("content-encoding"), "a client that asks for no coding gets none");
        assertEquals(expected, plain.run().stdoutSha256());
    }

    private static Reply curl(String name, String source, String path, String... extra) throws IOException {
        return new HostCurl(dir, edge.domain(), edge.httpPort(), CURL_LIMIT).get(name, source, path, extra);
    }

    private static void awaitForwarding(int endpoints) {
        dev.burrow.testsupport.Await.until(() -> agent.process().stdoutLines().stream()
                        .filter(l -> AgentProcess.FORWARDING_LINE.matcher(l).find()).distinct().count() >= endpoints,
                Duration.ofSeconds(60), Duration.ofMillis(50),
                () -> "the agent did not forward all " + endpoints + " endpoints:\n" + agent.process().tail(20));
    }
}
