package dev.burrow.console;

import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.PublicHttpClient;
import dev.burrow.testsupport.TmuxSession;
import dev.burrow.testsupport.Upstream;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent in a real terminal (tmux, 100×30): the live status screen shows the session online, the forwarding
 * line, and a request sent through the tunnel in the counters and the request list. Skips where tmux is missing.
 */
@ExtendWith(ProcessLogsOnFailure.class)
class TerminalScreenE2ETest {

    @Test
    void theLiveScreenShowsTheSessionAndEachRequest(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(TmuxSession.available(), "skipped: tmux is not installed (apt-get install tmux)");
        Path config = Files.writeString(dir.resolve("empty.yml"), "");
        Vertx vertx = Vertx.vertx();
        Upstream upstream = Upstream.start(vertx);
        EdgeProcess edge = null;
        PublicHttpClient client = null;
        TmuxSession tmux = null;
        try {
            edge = EdgeProcess.builder().name("edge-tty").start();
            String domain = edge.domain();
            String server = edge.serverAddress();
            client = new PublicHttpClient(vertx, edge.httpPort(), 2);
            tmux = TmuxSession.start(100, 30, TmuxSession.java(AgentProcess.MAIN_CLASS, List.of("http", upstream.httpAddress(),
                    "--server", edge.serverAddress(), "--authtoken", edge.authtoken(), "--edge-ca", edge.caPath().toString(),
                    "--web-addr", "127.0.0.1:0", "--subdomain", "tty", "--config", config.toString())));
            String screen = tmux.awaitScreen(s -> s.contains("Forwarding") && s.contains("tty." + domain)
                    && Pattern.compile("Session Status +online").matcher(s).find(), Duration.ofSeconds(40));
            assertTrue(screen.lines().anyMatch(l -> l.matches("Forwarding +http://tty\\." + Pattern.quote(domain)
                    + ":\\d+ -> http://" + Pattern.quote(upstream.httpAddress()))), screen);
            assertTrue(screen.lines().anyMatch(l -> l.matches("Web Interface +http://127\\.0\\.0\\.1:\\d+")), screen);
            assertTrue(screen.lines().anyMatch(l -> l.matches("Edge +" + Pattern.quote(server))), screen);
            assertTrue(screen.startsWith("burrow "), screen);

            assertEquals(200, client.get("tty." + edge.domain(), "/echo?from=tty").status());
            assertEquals(404, client.get("tty." + edge.domain(), "/missing").status());
            screen = tmux.awaitScreen(s -> s.contains("/missing") && s.contains("/echo?from=tty"), Duration.ofSeconds(15));
            List<String> lines = screen.lines().toList();
            int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("Connections")).findFirst().orElseThrow());
            assertTrue(lines.get(header + 1).trim().startsWith("2 "), "ttl should be 2:\n" + screen);
            int missing = indexOf(lines, "/missing");
            int echo = indexOf(lines, "/echo?from=tty");
            assertTrue(missing < echo, "newest first:\n" + screen);
            assertTrue(lines.get(missing).matches("\\d\\d:\\d\\d:\\d\\d  GET +/missing +404 Not Found"), lines.get(missing));
            assertTrue(lines.get(echo).endsWith("200 OK"), lines.get(echo));
        } finally {
            Closeables.closeAll(tmux, client, edge, upstream, Closeables.of(vertx));
        }
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }
}
