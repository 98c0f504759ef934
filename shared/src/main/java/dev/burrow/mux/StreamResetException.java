package dev.burrow.mux;

import dev.burrow.protocol.ErrorCode;

/**
 * Delivered to a stream's exception handler when the stream was reset (by the peer or because the link
 * closed). {@link #code()} is the stable reason, the message a sentence for a user.
 */
public final class StreamResetException extends RuntimeException {
    private final ErrorCode code;
    private final boolean byPeer;

    public StreamResetException(ErrorCode code, String message, boolean byPeer) {
        super(message, null, false, false);
        this.code = code;
        this.byPeer = byPeer;
    }

    public ErrorCode code() {
        return code;
    }

    public boolean byPeer() {
        return byPeer;
    }
}
