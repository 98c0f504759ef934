package dev.burrow.policy;

import dev.burrow.policy.HostCurl.Reply;

import dev.burrow.testsupport.AgentApi;
import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Await;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.RawHttpClient;
import dev.burrow.testsupport.TempDirs;
import dev.burrow.testsupport.Upstream;
import dev.burrow.testsupport.tools.Sha256;
import dev.burrow.testsupport.tools.Tools;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A running endpoint's policy changes without a rebind, seen through curl and a keep-alive connection: through the agent
 * API ({@code PUT /api/endpoints/NAME}), and by editing the config file the policy came from; a bad new policy is
 * refused with its line and column and the old one stays. Also ngrok's older {@code http} flags (basic auth, CIDR
 * deny, host-header rewrite, headers, compression) enforced by a real edge, a pooled endpoint that brings another
 * policy refused, and bad flag values refused in one line.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class PolicyLiveUpdateE2ETest {
    private static final Duration CURL_LIMIT = Duration.ofSeconds(20);
    /** The file is looked at every second; on a loaded 2-core machine the edit must show within this. */
    private static final Duration FILE_CHANGE_BOUND = Duration.ofSeconds(10);
    private static final String DENY = "on_http_request:\n  - actions:\n      - type: deny\n        config: {status_code: 403}\n";
    private static final String UNKNOWN_ACTION = "on_http_request:\n  - actions:\n      - type: teleport\n";
    private static Path dir;
    private static Path config;
    private static Upstream upstream;
    private static EdgeProcess edge;
    private static AgentProcess agent;
    private static AgentProcess flagged;

    @BeforeAll
    static void start() throws IOException {
        Tools.assumeInstalled("curl");
        dir = Files.createTempDirectory("burrow-policy-live-");
        upstream = Upstream.start();
        edge = EdgeProcess.builder().name("edge-policy-live").startTimeout(Duration.ofMinutes(3)).start();
        config = dir.resolve("burrow.yml");
        Files.writeString(config, configWithPolicyHeader("v1"));
        agent = AgentProcess.startAll(edge).name("agent-policy-live").startTimeout(Duration.ofMinutes(2))
                .arg("--config", config.toString()).start();
        flagged = AgentProcess.http(edge, upstream.httpAddress()).name("agent-policy-flags").subdomain("flags")
                .startTimeout(Duration.ofMinutes(2)).arg("--pooling")
                .arg("--basic-auth", "ops:a long passphrase").arg("--basic-auth", "dev:another passphrase")
                .arg("--cidr-deny", "127.0.0.2/32").arg("--host-header", "rewrite").arg("--compression")
                .arg("--request-header-add", "X-Env: staging").arg("--request-header-remove", "X-Secret")
                .arg("--response-header-add", "X-Served-By: burrow").arg("--response-header-remove", "X-Echo-Method")
                .start();
        Await.until(() -> agent.process().stdoutLines().stream()
                        .filter(l -> AgentProcess.FORWARDING_LINE.matcher(l).find()).distinct().count() >= 2,
                Duration.ofSeconds(60), Duration.ofMillis(50), () -> "the agent did not forward both endpoints:\n" + agent.process().tail(20));
    }

    private static String configWithPolicyHeader(String version) {
        return """
                version: 1
                agent:
                  inspect: false
                endpoints:
                  - name: api
                    url: api.%1$s
                    upstream: %2$s
                  - name: watched
                    url: watched.%1$s
                    upstream: %2$s
                    traffic_policy:
                      on_http_response:
                        - actions:
                            - type: add-headers
                              config: {headers: {x-policy: %3$s}}
                """.formatted(edge.domain(), upstream.httpAddress(), version);
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(agent, flagged, edge, upstream);
        if (dir != null) {
            TempDirs.deleteRecursively(dir);
        }
    }

    @Test
    void aPutThroughTheAgentApiChangesThePolicyOnTheSameKeepAliveConnectionAndABadOneLeavesTheOldInForce() throws IOException {
        String session = status().getString("session_id");
        String url = endpoint("api").getString("url");
        try (RawHttpClient visitor = RawHttpClient.connect("127.0.0.1", edge.httpPort(), Duration.ofSeconds(15))) {
            assertEquals(200, visitor.exchange("GET", "/echo?live=before", host("api"), Map.of(), null).status());

            HttpResponse<String> put = AgentApi.call(agent, "PUT", "/api/endpoints/api", new JsonObject().put("traffic_policy", DENY).encode());
            assertEquals(200, put.statusCode(), put.body());
            assertEquals(url, new JsonObject(put.body()).getString("url"), "the same endpoint, not a new one");

            RawHttpClient.Response after = visitor.exchange("GET", "/echo?live=after", host("api"), Map.of(), null);
            assertEquals(403, after.status(), "the next request on the same connection meets the new policy: " + after.statusLine());
        }
        assertEquals(403, curl("api", "127.0.0.1", "/echo?live=curl").status());

        HttpResponse<String> bad = AgentApi.call(agent, "PUT", "/api/tunnels/api", new JsonObject().put("traffic_policy", UNKNOWN_ACTION).encode());
        assertEquals(400, bad.statusCode(), bad.body());
        String message = new JsonObject(bad.body()).getString("msg");
        assertTrue(message.startsWith("traffic_policy:3:") && message.contains("teleport"), "line, column and what: " + message);
        assertEquals(403, curl("api", "127.0.0.1", "/echo?live=after-bad").status(), "the old policy stays in force");

        assertEquals(session, status().getString("session_id"), "the agent kept its session: nothing was rebound");
        assertEquals(url, endpoint("api").getString("url"));
        assertFalse(agent.process().stdoutLines().stream().anyMatch(l -> AgentProcess.RECONNECTED_LINE.matcher(l).find()), "no reconnect");
        assertTrue(upstream.requests().stream().noneMatch(r -> r.uri().startsWith("/echo?live=") && !r.uri().equals("/echo?live=before")),
                "a refused request reached the upstream");

        HttpResponse<String> removed = AgentApi.call(agent, "PUT", "/api/endpoints/api", "{\"traffic_policy\": null}");
        assertEquals(200, removed.statusCode(), removed.body());
        assertEquals(200, curl("api", "127.0.0.1", "/echo?live=removed").status(), "a null policy removes it");
        assertEquals(404, AgentApi.call(agent, "PUT", "/api/endpoints/nope", "{\"traffic_policy\": null}").statusCode());
    }

    /** A connection the old policy admitted meets the new policy's on_tcp_connect at its next request. */
    @Test
    void aNewConnectPhaseAppliesToAConnectionTheOldPolicyAdmitted() throws IOException {
        String tagged = "on_tcp_connect:\n  - actions:\n      - type: set-vars\n        config: {vars: {seen: yes}}\n";
        String office = "on_tcp_connect:\n  - actions:\n      - type: restrict-ips\n        config: {allow: [192.0.2.0/24]}\n";
        try (RawHttpClient visitor = RawHttpClient.connect("127.0.0.1", edge.httpPort(), Duration.ofSeconds(15))) {
            assertEquals(200, AgentApi.call(agent, "PUT", "/api/endpoints/api", new JsonObject().put("traffic_policy", tagged).encode()).statusCode());
            assertEquals(200, visitor.exchange("GET", "/echo?connect=before", host("api"), Map.of(), null).status(),
                    "admitted by the first policy's connect phase");
            assertEquals(200, AgentApi.call(agent, "PUT", "/api/endpoints/api", new JsonObject().put("traffic_policy", office).encode()).statusCode());
            int status;
            try {
                status = visitor.exchange("GET", "/echo?connect=after", host("api"), Map.of(), null).status();
            } catch (RuntimeException | AssertionError closed) {
                status = 0;
            }
            assertTrue(status != 200, "refused by the new policy's on_tcp_connect (403 or closed), got " + status);
        } finally {
            AgentApi.call(agent, "PUT", "/api/endpoints/api", "{\"traffic_policy\": null}");
        }
        assertTrue(upstream.requests().stream().noneMatch(r -> r.uri().equals("/echo?connect=after")));
    }

    @Test
    void editingTheConfigFilesPolicyAppliesWithinABoundAndABadEditIsLoggedWithItsLine() throws IOException {
        assertEquals("v1", curl("watched", "127.0.0.1", "/echo?watched=v1").header("x-policy"));

        long edited = System.nanoTime();
        Files.writeString(config, configWithPolicyHeader("v2"));
        Reply changed = null;
        while (System.nanoTime() - edited < FILE_CHANGE_BOUND.toNanos()) {
            changed = curl("watched", "127.0.0.1", "/echo?watched=poll");
            if ("v2".equals(changed.header("x-policy"))) {
                break;
            }
            sleep(100);
        }
        long tookMillis = (System.nanoTime() - edited) / 1_000_000;
        System.out.printf("policy file edit applied at the edge after %d ms (polled every 1 s)%n", tookMillis);
        assertEquals("v2", changed == null ? null : changed.header("x-policy"), "the edit applied within " + FILE_CHANGE_BOUND);

        Files.writeString(config, configWithPolicyHeader("v3").replace("type: add-headers", "type: teleport"));
        Await.until(() -> agent.process().stdoutLines().stream().anyMatch(l -> l.contains("NOT changed")),
                FILE_CHANGE_BOUND, Duration.ofMillis(100), () -> "no log line for the refused edit:\n" + agent.process().tail(20));
        String line = agent.process().stdoutLines().stream().filter(l -> l.contains("NOT changed")).findFirst().orElseThrow();
        assertTrue(line.contains(config + ":14:") && line.contains("teleport"), "names the config file's line: " + line);
        assertEquals("v2", curl("watched", "127.0.0.1", "/echo?watched=after-bad").header("x-policy"), "the old policy stays in force");
    }

    @Test
    void ngroksOlderFlagsAreEnforcedByTheEdge() throws IOException {
        assertEquals(401, curl("flags", "127.0.0.1", "/echo?flags=anonymous").status());
        Reply ok = curl("flags", "127.0.0.1", "/echo?flags=signed-in", "-u", "dev:another passphrase", "-H", "X-Secret: hush");
        assertEquals(200, ok.status(), ok.run().describe());
        assertEquals("burrow", ok.header("x-served-by"));
        assertNull(ok.header("x-echo-method"), "--response-header-remove took it out");
        Upstream.RecordedRequest seen = upstream.awaitRequest(r -> r.uri().equals("/echo?flags=signed-in"), Duration.ofSeconds(5));
        assertEquals(upstream.httpAddress(), seen.header("host"), "--host-header rewrite: the upstream sees its own host:port");
        assertEquals("staging", seen.header("x-env"));
        assertNull(seen.header("x-secret"));

        Reply denied = curl("flags", "127.0.0.2", "/echo?flags=denied", "-u", "dev:another passphrase");
        assertEquals(0, denied.status(), "--cidr-deny closes the connection: " + denied.run().describe());
        assertTrue(upstream.requests().stream().noneMatch(r -> r.uri().equals("/echo?flags=denied")));

        Path body = dir.resolve("body.txt");
        StringBuilder text = new StringBuilder();
        for (int line = 0; text.length() < 200_000; line++) {
            text.append("line ").append(line).append(": compress me, the quick brown fox\n");
        }
        Files.writeString(body, text);
        Reply compressed = curl("flags", "127.0.0.1", "/echo?flags=compressed", "-u", "ops:a long passphrase", "--compressed",
                "-H", "Content-Type: text/plain", "--data-binary", "@" + body);
        assertEquals(200, compressed.status(), compressed.run().describe());
        assertTrue(compressed.header("content-encoding") != null, "--compression: compressed on the wire");
        assertEquals(Sha256.of(body), compressed.run().stdoutSha256(), "curl's decompressed body is what was sent");
        assertTrue(compressed.bytesOnTheWire() < Files.size(body) / 4, "wire bytes " + compressed.bytesOnTheWire());
    }

    @Test
    void aPooledEndpointThatBringsAnotherPolicyIsRefused() throws IOException {
        try (AgentProcess other = AgentProcess.http(edge, upstream.httpAddress()).name("agent-pool-other-policy")
                .subdomain("flags").arg("--pooling").shortLived().launch()) {
            assertEquals(1, other.awaitExit(Duration.ofSeconds(60)), other.process().tail(30));
            List<String> errors = other.errorLines();
            assertEquals(1, errors.size(), "one ERROR: line, got " + errors);
            assertTrue(errors.get(0).contains("pool whose traffic policy differs"), errors.get(0));
        }
        assertEquals(401, curl("flags", "127.0.0.1", "/echo?pool=after").status(), "the pool keeps its policy");
    }

    /** A bad value is a usage error, as every other bad argument of the CLI: exit code 2 (a refused policy file exits 1). */
    @Test
    void aBadFlagValueEndsTheAgentWithOneLine() {
        try (AgentProcess refused = AgentProcess.http(edge, upstream.httpAddress()).name("agent-bad-flag")
                .arg("--cidr-deny", "10.0.0.300/8").shortLived().launch()) {
            assertEquals(2, refused.awaitExit(Duration.ofSeconds(60)), refused.process().tail(30));
            List<String> errors = refused.errorLines();
            assertEquals(1, errors.size(), "one ERROR: line, got " + errors);
            assertTrue(errors.get(0).contains("invalid --cidr-deny \"10.0.0.300/8\""), errors.get(0));
            assertTrue(refused.stackTraceLines().isEmpty(), "no stack trace: " + refused.stackTraceLines());
        }
    }

    private static JsonObject status() {
        return new JsonObject(AgentApi.call(agent, "GET", "/api/status", null).body());
    }

    private static JsonObject endpoint(String name) {
        return new JsonObject(AgentApi.call(agent, "GET", "/api/endpoints", null).body()).getJsonArray("endpoints").stream()
                .map(JsonObject.class::cast).filter(e -> name.equals(e.getString("name"))).findFirst().orElseThrow();
    }

    private static String host(String name) {
        return name + "." + edge.domain() + ":" + edge.httpPort();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static Reply curl(String name, String source, String path, String... extra) throws IOException {
        return new HostCurl(dir, edge.domain(), edge.httpPort(), CURL_LIMIT).get(name, source, path, extra);
    }
}
