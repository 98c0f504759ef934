package dev.burrow.agent;

import java.time.Duration;

/**
 * Something that happened to a {@link BurrowSession}'s links to the edge; delivered to {@link SessionListener}s.
 * {@link Connected}, {@link Disconnected} and {@link Reconnected} describe the session as a whole (it has a live
 * link or not); {@link LinkAdded} and {@link LinkLost} describe its further links to other edge nodes. Later versions
 * may add kinds of event (as {@link PolicyNotice} was added): a {@code switch} over them needs a {@code default} branch
 * to keep compiling.
 */
public sealed interface SessionEvent {

    /** The first link is up and authenticated. */
    record Connected(String sessionId, String edgeAddress) implements SessionEvent {
    }

    /** A connection attempt while the session had no live link failed; another follows after {@code retryIn}. */
    record ConnectFailed(String edgeAddress, BurrowException cause, Duration retryIn) implements SessionEvent {
    }

    /** The session's last live link was lost; a reconnect follows after {@code retryIn}. */
    record Disconnected(String reason, Duration retryIn) implements SessionEvent {
    }

    /** After a {@link Disconnected}: a link is up again and every endpoint is bound again at its previous address. */
    record Reconnected(String sessionId) implements SessionEvent {
    }

    /** A further link, to another edge node, is up with every endpoint bound; {@code links} are live now. */
    record LinkAdded(String edgeAddress, int links) implements SessionEvent {
    }

    /**
     * One link was lost while {@code links} others keep serving; it is redialed after {@code retryIn}, or, when
     * that is null, replaced by a link another slot dials.
     */
    record LinkLost(String edgeAddress, String reason, int links, Duration retryIn) implements SessionEvent {
    }

    /**
     * The edge at {@code edgeAddress} stopped honouring part of an endpoint's traffic policy, and says why in a sentence
     * ({@code server_certificate for NAME expired at …; the edge serves its own certificate}).
     */
    record PolicyNotice(String edgeAddress, String message) implements SessionEvent {
    }

    /** The session gave up for good (for example the authtoken was revoked) and is closed. */
    record Failed(BurrowException cause) implements SessionEvent {
    }

    /** The session was closed by the application. */
    record Closed() implements SessionEvent {
    }
}
