package dev.burrow.console;

import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.PublicHttpClient;
import dev.burrow.testsupport.TcpEchoServer;
import dev.burrow.testsupport.TmuxSession;
import dev.burrow.testsupport.Upstream;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent in a real terminal (tmux, 100×30) running {@code burrow start --all} with an HTTP and a TCP endpoint:
 * the live status screen shows the session online, both forwarding lines, HTTP requests and the TCP connection in
 * the counters, and the requests newest first. Skips where tmux is missing.
 */
@ExtendWith(ProcessLogsOnFailure.class)
class TerminalScreenE2ETest {

    @Test
    void theLiveScreenShowsTheSessionAndEachRequest(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(TmuxSession.available(), "skipped: tmux is not installed (apt-get install tmux)");
        Vertx vertx = Vertx.vertx();
        Upstream upstream = Upstream.start(vertx);
        TcpEchoServer echo = TcpEchoServer.start();
        EdgeProcess edge = null;
        PublicHttpClient client = null;
        TmuxSession tmux = null;
        try {
            edge = EdgeProcess.builder().name("edge-tty").start();
            String domain = edge.domain();
            String server = edge.serverAddress();
            client = new PublicHttpClient(vertx, edge.httpPort(), 2);
            Path config = Files.writeString(dir.resolve("burrow.yml"), """
                    version: 1
                    agent:
                      server_addr: %s
                      authtoken: %s
                      edge_ca: %s
                      web_addr: 127.0.0.1:0
                      heartbeat_interval: 500ms
                    endpoints:
                      - name: web
                        url: tty.%s
                        upstream: %s
                      - name: echo
                        url: tcp://:0
                        upstream: %s
                    """.formatted(server, edge.authtoken(), edge.caPath(), domain, upstream.httpAddress(), echo.address()));
            tmux = TmuxSession.start(100, 30, TmuxSession.java(AgentProcess.MAIN_CLASS,
                    List.of("start", "--all", "--config", config.toString())));
            String screen = tmux.awaitScreen(s -> s.contains("Forwarding") && s.contains("tty." + domain) && s.contains("tcp://")
                    && Pattern.compile("Session Status +online").matcher(s).find(), Duration.ofSeconds(40));
            assertTrue(screen.lines().anyMatch(l -> l.matches("Forwarding +http://tty\\." + Pattern.quote(domain)
                    + ":\\d+ -> http://" + Pattern.quote(upstream.httpAddress()))), screen);
            Matcher tcp = Pattern.compile("Forwarding +tcp://localhost:(\\d+) -> tcp://" + Pattern.quote(echo.address())).matcher(screen);
            assertTrue(tcp.find(), screen);
            try (Socket socket = new Socket("127.0.0.1", Integer.parseInt(tcp.group(1)))) {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write("ping\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals('p', socket.getInputStream().read());
            }
            assertTrue(screen.lines().anyMatch(l -> l.matches("Web Interface +http://127\\.0\\.0\\.1:\\d+")), screen);
            assertTrue(screen.lines().anyMatch(l -> l.matches("Edge +" + Pattern.quote(server))), screen);
            assertTrue(screen.startsWith("burrow "), screen);
            tmux.awaitScreen(s -> s.lines().anyMatch(l -> l.matches("Latency +\\d+ms")), Duration.ofSeconds(10));

            assertEquals(200, client.get("tty." + edge.domain(), "/echo?from=tty").status());
            assertEquals(404, client.get("tty." + edge.domain(), "/missing").status());
            screen = tmux.awaitScreen(s -> s.contains("/missing") && s.contains("/echo?from=tty"), Duration.ofSeconds(15));
            List<String> lines = screen.lines().toList();
            int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("Connections")).findFirst().orElseThrow());
            screen = tmux.awaitScreen(s -> s.lines().anyMatch(l -> l.trim().startsWith("3 ") && l.contains("0       ")), Duration.ofSeconds(10));
            lines = screen.lines().toList();
            assertTrue(lines.get(header + 1).trim().startsWith("3 "), "ttl should be 3 (2 HTTP exchanges, 1 TCP connection):\n" + screen);
            int missing = indexOf(lines, "/missing");
            int echoRow = indexOf(lines, "/echo?from=tty");
            assertTrue(missing < echoRow, "newest first:\n" + screen);
            assertTrue(lines.get(missing).matches("\\d\\d:\\d\\d:\\d\\d  GET +/missing +404 Not Found"), lines.get(missing));
            assertTrue(lines.get(echoRow).endsWith("200 OK"), lines.get(echoRow));
            System.out.println("the live screen (tmux capture-pane):\n" + screen);
        } finally {
            Closeables.closeAll(tmux, client, edge, echo, upstream, Closeables.of(vertx));
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
