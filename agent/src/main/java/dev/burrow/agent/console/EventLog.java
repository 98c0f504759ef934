package dev.burrow.agent.console;

/** Where the agent's reports go: line logs, or the live terminal screen. Thread-safe. */
public interface EventLog extends AutoCloseable {
    void log(LogEvent event);

    @Override
    default void close() {
    }
}
