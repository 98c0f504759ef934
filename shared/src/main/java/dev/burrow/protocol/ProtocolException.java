package dev.burrow.protocol;

/** The peer broke the protocol; the link that received the bytes must be closed with {@link #code()}. */
public final class ProtocolException extends Exception {
    private final ErrorCode code;

    public ProtocolException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
