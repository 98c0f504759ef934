package dev.burrow.agent.console;

import java.util.Map;

/**
 * Something the agent reports: a level, the human line ({@code term} format, what scripts parse today), a short
 * message and its fields (for logfmt and json).
 */
public record LogEvent(Level level, String line, String message, Map<String, Object> fields) {

    public enum Level { DEBUG, INFO, WARN, ERROR }

    public static LogEvent info(String line, String message, Map<String, Object> fields) {
        return new LogEvent(Level.INFO, line, message, fields);
    }

    public static LogEvent debug(String line, String message, Map<String, Object> fields) {
        return new LogEvent(Level.DEBUG, line, message, fields);
    }
}
