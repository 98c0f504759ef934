package dev.burrow.edge.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Parses durations as people write them: {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}, or ISO-8601 {@code PT10S}. */
public final class DurationText {
    private DurationText() {
    }

    public static Duration parse(String text) {
        String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        try {
            if (value.startsWith("pt") || value.startsWith("p")) {
                return Duration.parse(value.toUpperCase(Locale.ROOT));
            }
            if (value.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2).trim()));
            }
            if (value.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1).trim()));
            }
            if (value.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1).trim()));
            }
            if (value.endsWith("h")) {
                return Duration.ofHours(Long.parseLong(value.substring(0, value.length() - 1).trim()));
            }
            return Duration.ofSeconds(Long.parseLong(value));
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not a duration; write it like 500ms, 10s, 2m or 1h");
        }
    }

    /** The short form used in logs and messages, for example {@code 10s} or {@code 1500ms}. */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? (millis / 1000) + "s" : millis + "ms";
    }
}
