package dev.burrow.agent.cli;

import java.time.Duration;
import java.util.Locale;

/** Parses durations as users write them: "500ms", "10s", "2m", or a bare number of seconds. */
final class Durations {
    private Durations() {
    }

    static Duration parse(String text, String what) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (value.endsWith("ms")) {
                return positive(Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2).trim())), what, text);
            }
            if (value.endsWith("s")) {
                return positive(seconds(value.substring(0, value.length() - 1)), what, text);
            }
            if (value.endsWith("m")) {
                return positive(Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1).trim())), what, text);
            }
            return positive(seconds(value), what, text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid " + what + " \"" + text + "\": expected e.g. 500ms, 10s or 1m");
        }
    }

    private static Duration seconds(String number) {
        return Duration.ofMillis(Math.round(Double.parseDouble(number.trim()) * 1000));
    }

    private static Duration positive(Duration value, String what, String text) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("invalid " + what + " \"" + text + "\": must be more than zero");
        }
        return value;
    }

    /** "1.6s" style, as in "retrying in 1.6s". */
    static String format(Duration duration) {
        return String.format(Locale.ROOT, "%.1fs", duration.toMillis() / 1000.0);
    }
}
