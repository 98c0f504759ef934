package dev.burrow.agent;

import dev.burrow.protocol.ErrorCode;

/**
 * A failure of the SDK with a stable {@link Reason} and a sentence a user can act on. When the edge refused
 * something, {@link #edgeCode()} carries the edge's {@link ErrorCode}.
 */
public final class BurrowException extends RuntimeException {

    /** What went wrong, stable across releases. */
    public enum Reason {
        /** The edge refused the authtoken. Retrying will not help. */
        AUTH_FAILED,
        /**
         * The edge refuses logins from this address for a while (too many unknown authtokens came from it lately);
         * the session tries again after the delay the edge gave, {@link #retryAfter()}.
         */
        RATE_LIMITED,
        /**
         * The edge refused to bind an endpoint (hostname in use, invalid name, no free port, ...). When
         * {@link #edgeCode()} is {@linkplain ErrorCode#isTemporary() temporary} (the node is in its cluster's minority,
         * ...), the session keeps the endpoint pending and binds it once a node takes it.
         */
        BIND_FAILED,
        /**
         * The edge turned the link away for now (its cluster minority, its tenancy store out of reach, draining); the
         * session tries again with backoff, other known nodes first.
         */
        UNAVAILABLE,
        /** The edge's TLS certificate is not trusted (or does not match the server name). */
        EDGE_UNTRUSTED,
        /** The edge could not be reached (refused, timed out, name not resolved, TLS handshake failed). */
        EDGE_UNREACHABLE,
        /** The link broke while the operation was in progress. */
        LINK_LOST,
        /** The edge did not take a new traffic policy for a running endpoint (it does not compile, ...); the old one stays. */
        POLICY_REFUSED,
        /** The edge broke the protocol or answered nonsense. */
        PROTOCOL,
        /** The session (or endpoint) was closed. */
        CLOSED
    }

    private final Reason reason;
    private final ErrorCode edgeCode;
    private final java.time.Duration retryAfter;

    public BurrowException(Reason reason, String message) {
        this(reason, null, message, null);
    }

    public BurrowException(Reason reason, ErrorCode edgeCode, String message, Throwable cause) {
        this(reason, edgeCode, message, cause, null);
    }

    public BurrowException(Reason reason, ErrorCode edgeCode, String message, Throwable cause, java.time.Duration retryAfter) {
        super(message, cause, false, false);
        this.reason = reason;
        this.edgeCode = edgeCode;
        this.retryAfter = retryAfter;
    }

    public Reason reason() {
        return reason;
    }

    /** The edge's error code when the edge refused the operation, otherwise {@code null}. */
    public ErrorCode edgeCode() {
        return edgeCode;
    }

    /** How long the edge asked to wait before trying again, or {@code null} when it did not say. */
    public java.time.Duration retryAfter() {
        return retryAfter;
    }

    /** True for failures that retrying cannot fix (a refused token, an untrusted certificate, a permanent refusal). */
    public boolean isFatal() {
        return reason == Reason.AUTH_FAILED || reason == Reason.EDGE_UNTRUSTED
                || (reason == Reason.BIND_FAILED && !isTemporaryRefusal());
    }

    /** True when the edge refused with a code it marks temporary: the same request may succeed later or elsewhere. */
    public boolean isTemporaryRefusal() {
        return edgeCode != null && edgeCode.isTemporary();
    }

    @Override
    public String toString() {
        return "BurrowException[" + reason + (edgeCode == null ? "" : "/" + edgeCode) + "]: " + getMessage();
    }
}
