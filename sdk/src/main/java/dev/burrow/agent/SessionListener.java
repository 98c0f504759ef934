package dev.burrow.agent;

/**
 * Observes a session's link: connect, failed attempts with the retry delay, loss, reconnect. Called on the
 * session's event loop; must not block.
 */
@FunctionalInterface
public interface SessionListener {
    void onEvent(SessionEvent event);
}
