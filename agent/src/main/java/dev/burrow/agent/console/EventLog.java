package dev.burrow.agent.console;

/** Where the agent's reports go: line logs, or the live terminal screen. Thread-safe. */
public interface EventLog extends AutoCloseable {
    void log(LogEvent event);

    /** Whether an event of {@code level} would be shown at all (so that a per-request event is not built in vain). */
    default boolean logs(LogEvent.Level level) {
        return true;
    }

    @Override
    default void close() {
    }
}
