package dev.burrow.inspect;

import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.PublicHttpClient;
import dev.burrow.testsupport.Upstream;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The inspector in a real browser: headless Chromium (driven by playwright-core) opens the UI of a real agent, sees a
 * request sent through the real edge appear, opens it, presses Replay and sees the replayed exchange; the upstream
 * receives the request twice. Saves target/inspector-browser.png. Skips (with the reason) where Chromium, node or
 * playwright-core are missing; .ci/setup.d/20-browser.sh installs them.
 */
@ExtendWith(ProcessLogsOnFailure.class)
class InspectorBrowserE2ETest {
    @Test
    void aRequestAppearsOpensAndReplaysInChromium() throws Exception {
        Path playwright = dev.burrow.testsupport.tools.Playwright.coreModule();
        Path script = Path.of("src/test/resources/inspector-browser.js").toAbsolutePath();
        Path screenshot = Path.of("target/inspector-browser.png").toAbsolutePath();
        Files.deleteIfExists(screenshot);
        Vertx vertx = Vertx.vertx();
        Upstream upstream = Upstream.start(vertx);
        EdgeProcess edge = null;
        AgentProcess agent = null;
        PublicHttpClient client = null;
        Process browser = null;
        try {
            edge = EdgeProcess.builder().name("edge-browser").start();
            agent = AgentProcess.http(edge, upstream.httpAddress()).subdomain("browser").name("agent-browser").start();
            client = new PublicHttpClient(vertx, edge.httpPort(), 4);
            ProcessBuilder builder = new ProcessBuilder("node", script.toString(), agent.webUrl(), screenshot.toString())
                    .redirectErrorStream(true);
            builder.environment().put("NODE_PATH", playwright.getParent().toString());
            browser = builder.start();
            List<String> lines = new ArrayList<>();
            BufferedReader out = new BufferedReader(new InputStreamReader(browser.getInputStream(), StandardCharsets.UTF_8));
            String line;
            boolean sent = false;
            while ((line = out.readLine()) != null) {
                lines.add(line);
                if (line.equals("READY") && !sent) {
                    sent = true;
                    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/json").add("X-Request-Id", "browser-1");
                    assertEquals(200, client.post("browser." + edge.domain(), "/echo?from=browser", headers,
                            Buffer.buffer("{\"seen\":\"in a browser\",\"n\":[1,2,3]}")).status());
                }
                if (line.equals("DONE") || line.startsWith("FAIL")) {
                    break;
                }
            }
            assertTrue(browser.waitFor(30, TimeUnit.SECONDS), "the browser script did not exit");
            assertEquals(0, browser.exitValue(), "browser script:\n" + String.join("\n", lines));
            assertTrue(lines.contains("DONE"), String.join("\n", lines));
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("STEP detail") && l.contains("\"seen\": \"in a browser\"")),
                    "the detail view did not pretty-print the JSON body:\n" + String.join("\n", lines));
            assertEquals(2, upstream.requests().stream().filter(r -> "browser-1".equals(r.header("X-Request-Id"))).count(),
                    "the upstream should have seen the request and its replay");
            assertTrue(Files.size(screenshot) > 10_000, "screenshot " + screenshot + " is missing or empty");
        } finally {
            if (browser != null) {
                browser.destroyForcibly();
            }
            Closeables.closeAll(client, agent, edge, upstream, Closeables.of(vertx));
        }
    }
}
