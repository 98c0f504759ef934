package dev.burrow.policy;

import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.TempDirs;
import dev.burrow.testsupport.tools.ClientRun;
import dev.burrow.testsupport.tools.Playwright;
import dev.burrow.testsupport.tools.ToolProcess;
import dev.burrow.testsupport.tools.Tools;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code openid-connect} in a real browser: headless Chromium (playwright-core) opens a page behind the edge, is sent
 * to the real OpenID provider (npm oidc-provider), signs in, lands on the page it asked for (served by a python3 upstream
 * that records what it receives, and learns who it is), logs out through the edge and the provider, and is sent back to the login page; the
 * upstream never sees a request without a login. Saves target/login-browser.png. Skips where Chromium, node,
 * playwright-core or oidc-provider are missing.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class LoginBrowserE2ETest {
    private static final java.util.regex.Pattern LISTENING = java.util.regex.Pattern.compile("^listening (\\d+)$");

    @Test
    void aVisitorLogsInThroughTheEdgeReachesTheUpstreamLogsOutAndIsSentBackToLogIn() throws Exception {
        Path playwright = Playwright.coreModule();
        LoginTestProvider.assumeAvailable();
        Path dir = Files.createTempDirectory("burrow-login-browser-");
        Path screenshot = Path.of("target/login-browser.png").toAbsolutePath();
        Files.deleteIfExists(screenshot);
        Path upstreamLog = dir.resolve("upstream.jsonl");
        Path recorder = dir.resolve("recording-upstream.py");
        try (java.io.InputStream in = LoginBrowserE2ETest.class.getResourceAsStream("/recording-upstream.py")) {
            Files.copy(in, recorder);
        }
        // A text/plain answer (the harness's Upstream answers application/octet-stream, which a browser downloads).
        ToolProcess upstream = ToolProcess.start("recording-upstream", List.of(Tools.require("python3").toString(), "-u",
                recorder.toString(), upstreamLog.toString()), Map.of(), dir);
        EdgeProcess edge = null;
        LoginTestProvider provider = null;
        AgentProcess agent = null;
        try {
            int upstreamPort = Integer.parseInt(upstream.awaitMatch(LISTENING, Duration.ofSeconds(20)).group(1));
            edge = EdgeProcess.builder().name("edge-login-browser").allowingLoopbackPolicyFetches().start();
            String app = edge.publicHttpUrl("portal");
            provider = LoginTestProvider.start(dir, List.of(app + "/_burrow/oidc/callback"), List.of(app + "/"));
            Path policy = Files.writeString(dir.resolve("policy.yml"), provider.openIdPolicy("x-login-email", "email"));
            agent = AgentProcess.http(edge, "127.0.0.1:" + upstreamPort).subdomain("portal").name("agent-login-browser")
                    .arg("--traffic-policy-file", policy.toString()).start();

            ClientRun browser = ClientRun.run(List.of(Tools.require("node").toString(),
                    Path.of("src/test/resources/login-browser.js").toAbsolutePath().toString(), app, provider.issuer(),
                    screenshot.toString()), Map.of("NODE_PATH", playwright.getParent().toString()), dir, Duration.ofSeconds(90));
            assertEquals(0, browser.exitCode(), browser.describe());
            assertTrue(browser.stdout().lines().anyMatch("DONE"::equals), browser.describe());

            List<JsonObject> seen = Files.readAllLines(upstreamLog).stream().map(JsonObject::new).toList();
            assertEquals("/echo?step=first", seen.get(0).getString("path"));
            // The page's favicon may follow, logged in too; after the logout (the provider sends the browser to "/")
            // nothing may arrive.
            for (JsonObject request : seen) {
                assertEquals("erin@example.test", request.getJsonObject("headers").getString("x-login-email"),
                        "a request reached the upstream without a login: " + request);
                assertTrue(request.getString("path").startsWith("/echo?step=first") || request.getString("path").equals("/favicon.ico"),
                        "only the logged-in page (and its icon) reached the upstream: " + request);
            }
            assertTrue(Files.size(screenshot) > 5_000, "screenshot " + screenshot);
        } finally {
            Closeables.closeAll(agent, provider, edge, upstream);
            TempDirs.deleteRecursively(dir);
        }
    }
}
