package dev.burrow.policy;

import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Await;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.TempDirs;
import dev.burrow.testsupport.tools.ClientRun;
import dev.burrow.testsupport.tools.PythonHttpServer;
import dev.burrow.testsupport.tools.Sha256;
import dev.burrow.testsupport.tools.ToolProcess;
import dev.burrow.testsupport.tools.Tools;
import io.vertx.core.json.JsonObject;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * jwt-validation and verify-webhook through a real edge and agent, with curl as the client and a python3 upstream that
 * records what reached it: JWTs minted by npm {@code jose} and verified against a JWKS that {@code python3 -m
 * http.server} serves; GitHub and Slack deliveries signed with {@code openssl dgst -hmac}. Every refusal leaves the
 * upstream untouched; an accepted delivery reaches it whole (length and SHA-256 of the body as curl sent it).
 */
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class IdentityPolicyE2ETest {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final String ISSUER = "https://issuer.example/";
    private static final String AUDIENCE = "urn:burrow:api";
    private static final String GITHUB_SECRET = "It's a Secret to Everybody";
    private static final String SLACK_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
    private static final Pattern LISTENING = Pattern.compile("^listening (\\d+)$");
    private static final Pattern STATUS = Pattern.compile("curl-status (\\d+)");
    private static Path dir;
    private static Path upstreamLog;
    private static ToolProcess upstream;
    private static PythonHttpServer jwks;
    private static JsonObject tokens;
    private static EdgeProcess edge;
    private static AgentProcess agent;

    @BeforeAll
    static void start() throws IOException {
        Tools.assumeInstalled("curl", "openssl", "python3");
        JoseScripts.assumeInstalled();
        dir = Files.createTempDirectory("burrow-identity-");
        Path served = Files.createDirectory(dir.resolve("jwks"));
        ClientRun mint = JoseScripts.run(dir, LIMIT, "mint-jwts.js", List.of(served.toString(), ISSUER, AUDIENCE));
        assertEquals(0, mint.exitCode(), mint.describe());
        tokens = new JsonObject(mint.stdout().strip());
        jwks = PythonHttpServer.serve(served);
        upstreamLog = dir.resolve("upstream.jsonl");
        upstream = ToolProcess.start("recording-upstream", List.of(Tools.require("python3").toString(), "-u",
                resource("recording-upstream.py").toString(), upstreamLog.toString()), Map.of(), dir);
        int upstreamPort = Integer.parseInt(upstream.awaitMatch(LISTENING, Duration.ofSeconds(20)).group(1));
        edge = EdgeProcess.builder().name("edge-identity").allowingLoopbackPolicyFetches().startTimeout(Duration.ofMinutes(3)).start();
        Path config = Files.writeString(dir.resolve("burrow.yml"), """
                version: 1
                agent:
                  inspect: false
                endpoints:
                  - name: api
                    url: api.%1$s
                    upstream: 127.0.0.1:%2$d
                    traffic_policy:
                      on_http_request:
                        - actions:
                            - type: jwt-validation
                              config:
                                issuer: {allow_list: [{value: "%3$s"}]}
                                audience: {allow_list: [{value: "%4$s"}]}
                                http: {tokens: [{type: access_token, method: header, name: Authorization, prefix: "Bearer "}]}
                                jws:
                                  allowed_algorithms: [RS256, ES256]
                                  keys: {sources: {additional_jkus: ["http://%5$s/jwks.json"]}}
                            - type: add-headers
                              config: {headers: {x-jwt-sub: "${actions.ngrok.jwt_validation.tokens[0].payload.sub}"}}
                  - name: github
                    url: github.%1$s
                    upstream: 127.0.0.1:%2$d
                    traffic_policy:
                      on_http_request:
                        - actions: [{type: verify-webhook, config: {provider: github, secret: "%6$s"}}]
                  - name: slack
                    url: slack.%1$s
                    upstream: 127.0.0.1:%2$d
                    traffic_policy:
                      on_http_request:
                        - actions: [{type: verify-webhook, config: {provider: slack, secret: "%7$s"}}]
                """.formatted(edge.domain(), upstreamPort, ISSUER, AUDIENCE, jwks.address(), GITHUB_SECRET, SLACK_SECRET));
        agent = AgentProcess.startAll(edge).name("agent-identity").startTimeout(Duration.ofMinutes(2))
                .arg("--config", config.toString()).start();
        Await.until(() -> agent.process().stdoutLines().stream()
                        .filter(l -> AgentProcess.FORWARDING_LINE.matcher(l).find()).distinct().count() >= 3,
                Duration.ofSeconds(60), Duration.ofMillis(50), () -> "the agent did not forward:\n" + agent.process().tail(20));
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(agent, edge, upstream, jwks);
        if (dir != null) {
            TempDirs.deleteRecursively(dir);
        }
    }

    private static Path resource(String name) throws IOException {
        return JoseScripts.resource(dir, name);
    }

    @Test
    void onlyAValidJwtReachesTheUpstreamWhichLearnsTheSubject() throws IOException {
        for (String bad : List.of("expired", "wrongAudience", "wrongIssuer", "unknownKid", "hs256WithPublicKey", "algNone")) {
            Reply refused = curl("api", "/jwt/" + bad, "-H", "Authorization: Bearer " + tokens.getString(bad));
            assertEquals(401, refused.status(), bad + ": " + refused.run().describe());
            assertTrue(refused.header("www-authenticate").startsWith("Bearer realm=\"burrow\", error=\"invalid_token\""),
                    bad + ": " + refused.header("www-authenticate"));
        }
        Reply missing = curl("api", "/jwt/missing");
        assertEquals(401, missing.status());
        assertEquals("Bearer realm=\"burrow\"", missing.header("www-authenticate"));

        assertEquals(200, curl("api", "/jwt/valid", "-H", "Authorization: Bearer " + tokens.getString("valid")).status());
        assertEquals(200, curl("api", "/jwt/valid-ec", "-H", "Authorization: Bearer " + tokens.getString("validEc")).status());
        JsonObject seen = awaitUpstream("/jwt/valid");
        assertEquals("alice", seen.getJsonObject("headers").getString("x-jwt-sub"));
        awaitUpstream("/jwt/valid-ec");
        assertTrue(upstreamSaw().stream().noneMatch(r -> r.getString("path").startsWith("/jwt/")
                        && !r.getString("path").startsWith("/jwt/valid")), "a refused token reached the upstream: " + upstreamSaw());
    }

    @Test
    void aGitHubDeliverySignedWithOpensslReachesTheUpstreamWholeAndATamperedOneNothing() throws IOException {
        Path body = dir.resolve("push.json");
        StringBuilder json = new StringBuilder("{\"ref\":\"refs/heads/main\",\"commits\":[");
        for (int i = 0; json.length() < 200_000; i++) {
            json.append(i == 0 ? "" : ",").append("{\"id\":\"").append(i).append("\",\"message\":\"fix ").append(i).append("\"}");
        }
        Files.writeString(body, json.append("]}"));
        String signature = "sha256=" + openSslHmac(body, GITHUB_SECRET);

        Reply accepted = curl("github", "/hook/genuine", "-H", "Content-Type: application/json",
                "-H", "X-Hub-Signature-256: " + signature, "--data-binary", "@" + body);
        assertEquals(200, accepted.status(), accepted.run().describe());
        JsonObject seen = awaitUpstream("/hook/genuine");
        assertEquals(Files.size(body), seen.getLong("length"), "the whole body reached the upstream");
        assertEquals(Sha256.of(body), seen.getString("sha256"), "unchanged");

        Path tampered = Files.writeString(dir.resolve("tampered.json"), Files.readString(body).replace("fix 7\"", "fix 8\""));
        Reply forged = curl("github", "/hook/tampered", "-H", "X-Hub-Signature-256: " + signature,
                "--data-binary", "@" + tampered);
        assertEquals(403, forged.status(), forged.run().describe());
        assertEquals(403, curl("github", "/hook/unsigned", "--data-binary", "@" + body).status());
        assertTrue(upstreamSaw().stream().noneMatch(r -> r.getString("path").equals("/hook/tampered")
                || r.getString("path").equals("/hook/unsigned")), "a refused delivery reached the upstream");
    }

    @Test
    void aSlackDeliveryIsAcceptedFreshAndRefusedWhenReplayedLater() throws IOException {
        Path body = Files.writeString(dir.resolve("slack.txt"), "token=x&team_id=T1&command=%2Fdeploy&text=now");
        long now = System.currentTimeMillis() / 1000;
        assertEquals(200, slack("/slack/fresh", body, now).status());
        assertEquals(403, slack("/slack/replayed", body, now - 600).status(), "ten minutes old");
        assertEquals(Sha256.of(body), awaitUpstream("/slack/fresh").getString("sha256"));
        assertTrue(upstreamSaw().stream().noneMatch(r -> r.getString("path").equals("/slack/replayed")));
    }

    private static Reply slack(String path, Path body, long timestamp) throws IOException {
        Path signed = Files.writeString(dir.resolve("slack-signed-" + timestamp),
                "v0:" + timestamp + ":" + Files.readString(body));
        return curl("slack", path, "-H", "X-Slack-Request-Timestamp: " + timestamp,
                "-H", "X-Slack-Signature: v0=" + openSslHmac(signed, SLACK_SECRET),
                "-H", "Content-Type: application/x-www-form-urlencoded", "--data-binary", "@" + body);
    }

    /** The hex HMAC-SHA256 of a file's bytes, as {@code openssl dgst -sha256 -hmac KEY} prints it. */
    private static String openSslHmac(Path file, String key) {
        ClientRun run = ClientRun.run(List.of(Tools.require("openssl").toString(), "dgst", "-sha256", "-hmac", key,
                "-r", file.toString()), LIMIT);
        assertEquals(0, run.exitCode(), run.describe());
        return run.stdout().strip().split("\\s+")[0];
    }

    private static List<JsonObject> upstreamSaw() throws IOException {
        List<JsonObject> seen = new ArrayList<>();
        if (Files.exists(upstreamLog)) {
            for (String line : Files.readAllLines(upstreamLog)) {
                seen.add(new JsonObject(line));
            }
        }
        return seen;
    }

    private static JsonObject awaitUpstream(String path) {
        JsonObject[] found = new JsonObject[1];
        Await.until(() -> {
            try {
                found[0] = upstreamSaw().stream().filter(r -> r.getString("path").equals(path)).findFirst().orElse(null);
            } catch (IOException e) {
                return false;
            }
            return found[0] != null;
        }, Duration.ofSeconds(10), Duration.ofMillis(20), () -> "the upstream never saw " + path);
        return found[0];
    }

    record Reply(ClientRun run, int status, List<String> headers) {
        String header(String name) {
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            return headers.stream().filter(l -> l.toLowerCase(Locale.ROOT).startsWith(prefix))
                    .map(l -> l.substring(prefix.length()).trim()).findFirst().orElse(null);
        }
    }

    private static Reply curl(String name, String path, String... extra) throws IOException {
        Path head = Files.createTempFile(dir, "head-", ".txt");
        List<String> command = new ArrayList<>(List.of(Tools.require("curl").toString(), "-sS", "-o", "/dev/null",
                "-D", head.toString(), "-H", "Host: " + name + "." + edge.domain(),
                "--max-time", Long.toString(LIMIT.toSeconds()), "-w", "%{stderr}curl-status %{http_code}\\n"));
        command.addAll(List.of(extra));
        command.add("http://127.0.0.1:" + edge.httpPort() + path);
        ClientRun run = ClientRun.run(command, LIMIT.plusSeconds(10));
        Matcher status = STATUS.matcher(run.stderr());
        List<String> headers = Files.readAllLines(head, StandardCharsets.ISO_8859_1);
        Files.delete(head);
        return new Reply(run, status.find() ? Integer.parseInt(status.group(1)) : 0, headers);
    }
}
