package dev.burrow.agent.console;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Draws the live status (ngrok's layout) into exactly {@code height} lines of at most {@code width} characters: a
 * pure function of the state, so it is tested by rendering to a virtual screen.
 */
public final class StatusScreen {
    private static final int LABEL = 30;

    private StatusScreen() {
    }

    public static List<String> render(ConsoleState state, int width, int height) {
        return render(state.view(), width, height);
    }

    static List<String> render(ConsoleState.View view, int width, int height) {
        List<String> lines = new ArrayList<>();
        lines.add(spread("burrow", "(Ctrl+C to quit)", width));
        lines.add("");
        row(lines, "Session Status", view.status());
        row(lines, "Session", view.sessionId() == null ? "-" : view.sessionId());
        row(lines, "Edge", view.edges().isEmpty() ? "-" : String.join(", ", view.edges()));
        row(lines, "Latency", view.latency() == null ? "-" : view.latency().toMillis() + "ms");
        row(lines, "Version", view.version());
        row(lines, "Web Interface", view.webInterface() == null ? "disabled" : view.webInterface());
        if (view.forwarding().isEmpty()) {
            row(lines, "Forwarding", "-");
        }
        for (String forwarding : view.forwarding()) {
            row(lines, "Forwarding", forwarding);
        }
        if (view.lastEvent() != null) {
            row(lines, "Last Event", view.lastEvent());
        }
        lines.add("");
        ConnectionStats.Snapshot s = view.stats();
        row(lines, "Connections", String.format(Locale.ROOT, "%-8s%-8s%-8s%-8s%-8s", "ttl", "opn", "rt1", "p50", "p90"));
        row(lines, "", String.format(Locale.ROOT, "%-8d%-8d%-8.2f%-8.2f%-8.2f", s.total(), s.open(), s.ratePerSecond(),
                s.p50Millis(), s.p90Millis()));
        lines.add("");
        lines.add("HTTP Requests");
        lines.add("-------------");
        lines.add("");
        for (String request : view.requests()) {
            if (lines.size() >= height) {
                break;
            }
            lines.add(request);
        }
        List<String> screen = new ArrayList<>(height);
        for (int i = 0; i < height; i++) {
            String line = i < lines.size() ? lines.get(i) : "";
            screen.add(line.length() > width ? line.substring(0, Math.max(0, width - 1)) + "…" : line);
        }
        return screen;
    }

    private static void row(List<String> lines, String label, String value) {
        lines.add(String.format("%-" + LABEL + "s%s", label, value));
    }

    private static String spread(String left, String right, int width) {
        int gap = Math.max(1, width - left.length() - right.length());
        return left + " ".repeat(gap) + right;
    }
}
