package dev.burrow.agent;

import java.time.Duration;

/** Something that happened to a {@link BurrowSession}'s link to the edge; delivered to {@link SessionListener}s. */
public sealed interface SessionEvent {

    /** The first link is up and authenticated. */
    record Connected(String sessionId, String edgeAddress) implements SessionEvent {
    }

    /** A connection attempt failed; another follows after {@code retryIn}. */
    record ConnectFailed(String edgeAddress, BurrowException cause, Duration retryIn) implements SessionEvent {
    }

    /** An established link was lost; a reconnect follows after {@code retryIn}. */
    record Disconnected(String reason, Duration retryIn) implements SessionEvent {
    }

    /** A new link is up and every endpoint is bound again at its previous address. */
    record Reconnected(String sessionId) implements SessionEvent {
    }

    /** The session gave up for good (for example the authtoken was revoked) and is closed. */
    record Failed(BurrowException cause) implements SessionEvent {
    }

    /** The session was closed by the application. */
    record Closed() implements SessionEvent {
    }
}
