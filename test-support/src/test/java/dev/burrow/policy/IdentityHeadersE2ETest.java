package dev.burrow.policy;

import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Await;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.RawHttpClient;
import dev.burrow.testsupport.RecordingUpstream;
import dev.burrow.testsupport.TempDirs;
import dev.burrow.testsupport.cluster.EdgeCluster;
import dev.burrow.testsupport.tools.ClientRun;
import dev.burrow.testsupport.tools.PythonHttpServer;
import dev.burrow.testsupport.tools.Tools;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The identity headers through a real two-node cluster, a real agent and an upstream that records every byte it
 * receives: a visitor's JWT (minted by npm {@code jose}) passes jwt-validation, and the upstream receives the edge's
 * assertion, which {@code jose} verifies against the key set either node serves (the two sets are the same bytes);
 * headers the visitor sent under the identity names never reach the upstream, with or without a token.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class IdentityHeadersE2ETest {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final String ISSUER = "https://issuer.example/";
    private static final String AUDIENCE = "urn:burrow:api";
    private static final String SPOOFED = "Burrow-Auth-User-Email: admin@evil.example\r\n"
            + "burrow-auth-assertion: forged.by.visitor\r\n"
            + "BURROW-AUTH-USER-ID: root\r\n"
            + "Burrow_Auth_User_Name: Mallory\r\n"
            + "Burrow-Auth-Future-Name: evil\r\n";
    private static Path dir;
    private static JsonObject tokens;
    private static PythonHttpServer jwks;
    private static RecordingUpstream upstream;
    private static EdgeCluster cluster;
    private static AgentProcess agent;

    /** Two edge JVMs, an agent JVM, python and node: 70 s at a load average of 20 on 2 cores, over 120 s at 30. */
    @BeforeAll
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    static void start() throws IOException {
        Tools.assumeInstalled("python3");
        JoseScripts.assumeInstalled();
        dir = Files.createTempDirectory("burrow-identity-headers-");
        Path served = Files.createDirectory(dir.resolve("jwks"));
        ClientRun mint = JoseScripts.run(dir, LIMIT, "mint-jwts.js", List.of(served.toString(), ISSUER, AUDIENCE));
        assertEquals(0, mint.exitCode(), mint.describe());
        tokens = new JsonObject(mint.stdout().strip());
        jwks = PythonHttpServer.serve(served);
        upstream = RecordingUpstream.start();
        cluster = EdgeCluster.start(2, "1s", EdgeProcess.ALLOW_LOOPBACK_POLICY_FETCHES);
        Path config = Files.writeString(dir.resolve("burrow.yml"), """
                version: 1
                agent:
                  inspect: false
                endpoints:
                  - name: api
                    url: api.%1$s
                    upstream: %2$s
                    traffic_policy:
                      on_http_request:
                        - actions:
                            - type: jwt-validation
                              config:
                                issuer: {allow_list: [{value: "%3$s"}]}
                                audience: {allow_list: [{value: "%4$s"}]}
                                http: {tokens: [{type: access_token, method: header, name: Authorization, prefix: "Bearer "}]}
                                jws:
                                  allowed_algorithms: [RS256]
                                  keys: {sources: {additional_jkus: ["http://%5$s/jwks.json"]}}
                  - name: open
                    url: open.%1$s
                    upstream: %2$s
                """.formatted(cluster.node(0).domain(), upstream.address(), ISSUER, AUDIENCE, jwks.address()));
        agent = AgentProcess.startAll(cluster.node(0)).name("agent-identity-headers").startTimeout(Duration.ofMinutes(2))
                .arg("--config", config.toString()).start();
        for (EdgeProcess node : cluster.nodes()) {
            Await.until(() -> get(node, "open", "/ready").status() == 200, Duration.ofSeconds(60), Duration.ofMillis(200),
                    () -> "open does not serve through " + node + ":\n" + agent.process().tail(20));
        }
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(agent, cluster, upstream, jwks);
        if (dir != null) {
            TempDirs.deleteRecursively(dir);
        }
    }

    @Test
    void theAssertionFromEitherNodeVerifiesWithJoseAgainstEitherNodesKeySet() throws IOException {
        List<String> assertions = new ArrayList<>();
        List<String> audiences = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            EdgeProcess node = cluster.node(i);
            RawHttpClient.Response reply = send(node, "GET /who-" + i + " HTTP/1.1\r\nHost: " + node.hostHeader("api")
                    + "\r\nAuthorization: Bearer " + tokens.getString("valid") + "\r\n" + SPOOFED + "Connection: close\r\n\r\n");
            assertEquals(200, reply.status(), reply.statusLine());
            List<String> identity = identityLines(receivedHead("/who-" + i));
            assertEquals(4, identity.size(), "the edge's headers (the token names no one) and nothing a visitor sent: "
                    + identity);
            assertTrue(identity.contains("burrow-auth-user-email: alice@example.com"), identity.toString());
            assertTrue(identity.contains("burrow-auth-user-id: alice"), identity.toString());
            assertTrue(identity.contains("burrow-auth-provider: jwt"), identity.toString());
            String assertion = identity.stream().filter(l -> l.startsWith("burrow-auth-assertion: ")).findFirst().orElseThrow();
            assertions.add(receivedValue("/who-" + i, "Burrow-Auth-Assertion"));
            assertFalse(assertion.contains("forged"), assertion);
            audiences.add(node.publicHttpUrl("api"));
        }
        List<Path> keySets = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            RawHttpClient.Response keys = get(cluster.node(i), "api", "/.well-known/burrow/jwks.json");
            assertEquals(200, keys.status());
            assertEquals("application/json", keys.header("content-type"));
            keySets.add(Files.write(dir.resolve("edge-jwks-" + i + ".json"), keys.body()));
        }
        assertEquals(Files.readString(keySets.get(0)), Files.readString(keySets.get(1)), "every node serves the same key set");
        assertTrue(upstreamHeads().stream().noneMatch(h -> h.contains("/.well-known/burrow/")), "the key set never reached the upstream");

        String issuer = "https://" + cluster.node(0).domain();
        for (Path keySet : keySets) {
            JsonArray verified = verify(keySet, issuer, audiences.get(0), assertions.get(0), audiences.get(1), assertions.get(1),
                    "https://someone.else", assertions.get(0), audiences.get(0), tampered(assertions.get(0)));
            for (int i = 0; i < 2; i++) {
                JsonObject result = verified.getJsonObject(i);
                assertTrue(result.getBoolean("ok"), "node " + i + "'s assertion with " + keySet.getFileName() + ": " + result);
                JsonObject payload = result.getJsonObject("payload");
                assertEquals("alice", payload.getString("sub"));
                assertEquals("alice@example.com", payload.getString("email"));
                assertEquals(Boolean.TRUE, payload.getBoolean("email_verified"));
                assertEquals(ISSUER, payload.getString("idp"));
                assertEquals(300, payload.getLong("exp") - payload.getLong("iat"));
                assertEquals("ES256", result.getJsonObject("header").getString("alg"));
            }
            assertEquals("ERR_JWT_CLAIM_VALIDATION_FAILED", verified.getJsonObject(2).getString("error"), "another audience");
            assertEquals("ERR_JWS_SIGNATURE_VERIFICATION_FAILED", verified.getJsonObject(3).getString("error"), "tampered");
        }
    }

    @Test
    void headersAVisitorSendsUnderTheIdentityNamesNeverReachTheUpstream() {
        for (int i = 0; i < 2; i++) {
            EdgeProcess node = cluster.node(i);
            RawHttpClient.Response open = send(node, "GET /spoof-open-" + i + " HTTP/1.1\r\nHost: " + node.hostHeader("open")
                    + "\r\n" + SPOOFED + "X-Kept: yes\r\nConnection: close\r\n\r\n");
            assertEquals(200, open.status(), open.statusLine());
            String head = receivedHead("/spoof-open-" + i);
            assertEquals(List.of(), identityLines(head), "no identity, and none of the visitor's: " + head);
            assertTrue(head.contains("\r\nX-Kept: yes\r\n"), head);

            RawHttpClient.Response refused = send(node, "GET /spoof-api-" + i + " HTTP/1.1\r\nHost: " + node.hostHeader("api")
                    + "\r\n" + SPOOFED + "Connection: close\r\n\r\n");
            assertEquals(401, refused.status(), "no token: " + refused.statusLine());
        }
        assertTrue(upstreamHeads().stream().noneMatch(h -> h.startsWith("GET /spoof-api-")), "a refused visitor reached the upstream");
        String everything = upstream.received().toLowerCase(Locale.ROOT);
        for (String spoofed : List.of("admin@evil.example", "forged.by.visitor", ": root", "mallory", "future-name")) {
            assertFalse(everything.contains(spoofed), spoofed + " reached the upstream");
        }
    }

    /** The request head the upstream received for {@code path}, exactly as it arrived. */
    private static String receivedHead(String path) {
        Await.until(() -> upstreamHeads().stream().anyMatch(h -> h.startsWith("GET " + path + " ")), LIMIT,
                Duration.ofMillis(50), () -> path + " did not reach the upstream: " + upstream.received());
        return upstreamHeads().stream().filter(h -> h.startsWith("GET " + path + " ")).findFirst().orElseThrow();
    }

    private static List<String> upstreamHeads() {
        return List.of(upstream.received().split("\r\n\r\n"));
    }

    /** The head's lines under the identity names (lowercase, {@code _} read as {@code -}), as "name: value". */
    private static List<String> identityLines(String head) {
        List<String> lines = new ArrayList<>();
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            String name = colon < 0 ? "" : line.substring(0, colon).toLowerCase(Locale.ROOT).replace('_', '-');
            if (name.startsWith("burrow-auth-")) {
                lines.add(name + line.substring(colon));
            }
        }
        return lines;
    }

    private static String receivedValue(String path, String name) {
        for (String line : receivedHead(path).split("\r\n")) {
            if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                return line.substring(name.length() + 1).strip();
            }
        }
        throw new AssertionError(name + " is not in " + receivedHead(path));
    }

    private static String tampered(String jwt) {
        String[] parts = jwt.split("\\.");
        String payload = new String(java.util.Base64.getUrlDecoder().decode(parts[1]), java.nio.charset.StandardCharsets.UTF_8)
                .replace("\"alice\"", "\"admin\"");
        return parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "." + parts[2];
    }

    private static JsonArray verify(Path keySet, String issuer, String... audienceTokenPairs) throws IOException {
        List<String> args = new ArrayList<>(List.of(keySet.toString(), issuer));
        args.addAll(List.of(audienceTokenPairs));
        ClientRun run = JoseScripts.run(dir, LIMIT, "verify-assertions.js", args);
        assertEquals(0, run.exitCode(), run.describe());
        return new JsonArray(run.stdout().strip());
    }

    private static RawHttpClient.Response get(EdgeProcess node, String name, String path) {
        return send(node, "GET " + path + " HTTP/1.1\r\nHost: " + node.hostHeader(name) + "\r\nConnection: close\r\n\r\n");
    }

    private static RawHttpClient.Response send(EdgeProcess node, String request) {
        try (RawHttpClient client = RawHttpClient.connect(node.bindAddress(), node.httpPort(), LIMIT)) {
            return client.write(request).readResponse();
        }
    }
}
