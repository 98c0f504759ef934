package dev.burrow.agent.cli;

import java.util.Locale;

/**
 * Where and how the agent reports: {@code target} is null for "the live screen on a terminal, stdout otherwise",
 * or stdout, stderr, false (nothing) or a file path; format term|logfmt|json; level debug|info|warn|error.
 */
record LogSettings(String target, String format, String level) {

    static LogSettings of(String target, String format, String level) {
        String f = format.trim().toLowerCase(Locale.ROOT);
        String l = level.trim().toLowerCase(Locale.ROOT);
        if (!ConfigSchema.LOG_FORMATS.contains(f)) {
            throw new IllegalArgumentException("invalid --log-format \"" + format + "\": expected term, logfmt or json");
        }
        if (!ConfigSchema.LOG_LEVELS.contains(l)) {
            throw new IllegalArgumentException("invalid --log-level \"" + level + "\": expected debug, info, warn or error");
        }
        String t = target == null || target.isBlank() ? null : target.trim();
        return new LogSettings(t, f, l);
    }

    boolean debug() {
        return level.equals("debug");
    }
}
