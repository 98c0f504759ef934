package dev.burrow.edge;

import java.util.List;
import java.util.Locale;

/**
 * Log levels of the edge (slf4j-simple, configured by system properties that win over its
 * {@code simplelogger.properties}): Burrow's own loggers at {@code --log-level} (default info); third-party libraries
 * (Vert.x, Netty, Hazelcast, Hikari, Flyway, Micrometer) at warn, so that the first screen shows the node's own
 * startup lines, unless the level is debug, which shows everything. Must run before the first logger is made.
 */
final class EdgeLogging {
    static final List<String> LEVELS = List.of("debug", "info", "warn", "error");
    private static final List<String> LIBRARIES = List.of("io.netty", "io.vertx", "com.hazelcast", "com.zaxxer.hikari",
            "org.flywaydb", "io.micrometer");
    private static final String PREFIX = "org.slf4j.simpleLogger.";

    private EdgeLogging() {
    }

    /** {@code level} from --log-level or BURROW_LOG_LEVEL (null: info); returns an error sentence, or null. */
    static String configure(String level) {
        String chosen = level == null || level.isBlank() ? "info" : level.trim().toLowerCase(Locale.ROOT);
        if (!LEVELS.contains(chosen)) {
            return "--log-level " + level + " is not one of " + String.join(", ", LEVELS);
        }
        // Hazelcast's own early lines (before its config is read) otherwise go to java.util.logging, unformatted.
        System.setProperty("hazelcast.logging.type", "slf4j");
        System.setProperty(PREFIX + "defaultLogLevel", chosen);
        String libraries = chosen.equals("debug") ? "debug" : chosen.equals("error") ? "error" : "warn";
        for (String library : LIBRARIES) {
            System.setProperty(PREFIX + "log." + library, libraries);
        }
        return null;
    }
}
