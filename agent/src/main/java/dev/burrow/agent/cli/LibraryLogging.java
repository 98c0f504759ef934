package dev.burrow.agent.cli;

/**
 * The levels of what logs through SLF4J in the agent: Vert.x, Netty and the SDK's session engine. Everything a user
 * should know of them reaches the console as a session event (link lost, reconnected, refused), so their own lines
 * would only repeat it, or speak of ordinary events (a revoked token, a reset stream, a closed upstream, a slow
 * start on a busy machine) in a library's words. They stay quiet unless {@code --log-level debug}, which shows them
 * all. Must run before the first logger is made: slf4j-simple reads these properties once, then.
 */
final class LibraryLogging {
    private static final String PREFIX = "org.slf4j.simpleLogger.";

    private LibraryLogging() {
    }

    static void configure(LogSettings settings) {
        if (settings.debug()) {
            System.setProperty(PREFIX + "defaultLogLevel", "debug");
            return;
        }
        System.setProperty(PREFIX + "defaultLogLevel", "error");
        System.setProperty(PREFIX + "log.io.netty", "off");
        System.setProperty(PREFIX + "log.io.vertx", "off");
    }
}
