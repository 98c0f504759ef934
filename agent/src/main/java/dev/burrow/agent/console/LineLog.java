package dev.burrow.agent.console;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * Line logs in one of three formats: {@code term} (the plain sentences, e.g. {@code Forwarding URL -> UPSTREAM}),
 * {@code logfmt} ({@code t=… lvl=info msg=… key=value}) or {@code json} (one object per line).
 */
public final class LineLog implements EventLog {
    private final PrintStream out;
    private final String format;
    private final LogEvent.Level threshold;
    private final Clock clock;
    private final boolean closeStream;

    public LineLog(PrintStream out, String format, String level, Clock clock, boolean closeStream) {
        this.out = out;
        this.format = format;
        this.threshold = LogEvent.Level.valueOf(level.toUpperCase(Locale.ROOT));
        this.clock = clock;
        this.closeStream = closeStream;
    }

    @Override
    public boolean logs(LogEvent.Level level) {
        return level.compareTo(threshold) >= 0;
    }

    @Override
    public void log(LogEvent event) {
        if (event.level().compareTo(threshold) < 0) {
            return;
        }
        String text = format(event);
        synchronized (out) {
            out.println(text);
            out.flush();
        }
    }

    String format(LogEvent event) {
        return switch (format) {
            case "json" -> json(event);
            case "logfmt" -> logfmt(event);
            default -> event.line();
        };
    }

    private String logfmt(LogEvent event) {
        StringBuilder line = new StringBuilder("t=").append(Instant.now(clock)).append(" lvl=")
                .append(event.level().name().toLowerCase(Locale.ROOT)).append(" msg=").append(logfmtValue(event.message()));
        for (Map.Entry<String, Object> field : event.fields().entrySet()) {
            line.append(' ').append(field.getKey()).append('=').append(logfmtValue(String.valueOf(field.getValue())));
        }
        return line.toString();
    }

    private static String logfmtValue(String value) {
        if (!value.isEmpty() && value.chars().noneMatch(c -> c == ' ' || c == '"' || c == '=' || c < 0x21)) {
            return value;
        }
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }

    private String json(LogEvent event) {
        io.vertx.core.json.JsonObject json = new io.vertx.core.json.JsonObject()
                .put("t", Instant.now(clock).toString())
                .put("lvl", event.level().name().toLowerCase(Locale.ROOT))
                .put("msg", event.message());
        event.fields().forEach(json::put);
        return json.encode();
    }

    @Override
    public void close() {
        if (closeStream) {
            out.close();
        }
    }
}
