package dev.burrow.agent.console;

import dev.burrow.agent.ExchangeObserver;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The live screen rendered to a virtual screen of fixed size: exactly what a terminal of that size shows. */
class StatusScreenTest {

    @Test
    void showsSessionForwardingCountersAndLastRequestsNewestFirst() {
        AtomicLong now = new AtomicLong(1_000_000_000_000L);
        ConnectionStats stats = new ConnectionStats(now::get);
        ConsoleState state = new ConsoleState("0.1.0", stats);
        state.status("online");
        state.session("s_abc", List.of("127.0.0.1:4443", "127.0.0.1:4444"));
        state.latency(() -> Duration.ofMillis(3));
        state.webInterface("http://127.0.0.1:4040");
        state.forwarding("http://demo.localhost:8080 -> http://localhost:3000");
        ExchangeObserver observer = stats.observer((method, uri, status, reason) ->
                state.request(LocalTime.of(10, 0, 1), method, uri, status, reason));
        for (int i = 1; i <= 10; i++) {
            ExchangeObserver.Exchange exchange = observer.begin("1.2.3.4:5", "GET", "/items/" + i, List.of());
            now.addAndGet(i * 1_000_000L);
            exchange.response(200, "OK", List.of());
            exchange.end();
        }
        observer.begin("1.2.3.4:5", "POST", "/slow", List.of());

        List<String> screen = StatusScreen.render(state, 100, 30);
        assertEquals(30, screen.size());
        assertTrue(screen.stream().allMatch(line -> line.length() <= 100));
        assertEquals("burrow" + " ".repeat(100 - 6 - 16) + "(Ctrl+C to quit)", screen.get(0));
        assertEquals(row("Session Status", "online"), screen.get(2));
        assertEquals(row("Session", "s_abc"), screen.get(3));
        assertEquals(row("Edge", "127.0.0.1:4443, 127.0.0.1:4444"), screen.get(4));
        assertEquals(row("Latency", "3ms"), screen.get(5));
        assertEquals(row("Version", "0.1.0"), screen.get(6));
        assertEquals(row("Web Interface", "http://127.0.0.1:4040"), screen.get(7));
        assertEquals(row("Forwarding", "http://demo.localhost:8080 -> http://localhost:3000"), screen.get(8));
        assertEquals(row("Connections", "ttl     opn     rt1     p50     p90"), screen.get(10).stripTrailing());
        // 11 opened, 1 still open; 10 finished in the last minute (0.17/s); durations 1..10 ms: p50 5, p90 9.
        assertEquals(row("", "11      1       0.17    5.00    9.00"), screen.get(11).stripTrailing());
        assertEquals("HTTP Requests", screen.get(13));
        assertTrue(screen.get(16).startsWith("10:00:01  GET     /items/10"), screen.get(16));
        assertTrue(screen.get(16).endsWith("200 OK"), screen.get(16));
        assertTrue(screen.get(25).startsWith("10:00:01  GET     /items/1 "), screen.get(25));
    }

    @Test
    void aSmallTerminalGetsTruncatedLinesAndRows() {
        ConsoleState state = new ConsoleState("0.1.0", new ConnectionStats(System::nanoTime));
        state.forwarding("http://a-very-long-name.localhost:8080 -> http://localhost:3000");
        for (int i = 0; i < 30; i++) {
            state.request(LocalTime.NOON, "GET", "/" + i, 0, "failed: upstream refused");
        }
        List<String> screen = StatusScreen.render(state, 40, 12);
        assertEquals(12, screen.size());
        assertTrue(screen.stream().allMatch(line -> line.length() <= 40), String.join("\n", screen));
        assertEquals(row("Session Status", "connecting"), screen.get(2));
        assertTrue(screen.get(8).endsWith("…"), screen.get(8));
    }

    private static String row(String label, String value) {
        return String.format("%-30s%s", label, value);
    }
}
