package dev.burrow.edge.registry;

import dev.burrow.protocol.ErrorCode;

/** A bind or unbind was refused; {@link #code()} is the stable reason, the message a sentence for the user. */
public final class EndpointException extends RuntimeException {
    private final ErrorCode code;

    public EndpointException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
