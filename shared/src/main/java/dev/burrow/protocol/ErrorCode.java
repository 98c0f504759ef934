package dev.burrow.protocol;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;

import static dev.burrow.protocol.ErrorCode.Retry.PERMANENT;
import static dev.burrow.protocol.ErrorCode.Retry.TEMPORARY;

/**
 * Stable error codes carried by RESET, GO_AWAY and control ERROR messages. The numeric code is the wire
 * value in binary frames, the name is the wire value in JSON control messages; neither is ever reused. Each code says
 * once, here, whether a refusal carrying it is {@linkplain #isTemporary() temporary}: agents retry those and give up
 * only on permanent ones.
 */
public enum ErrorCode {
    NO_ERROR(0, PERMANENT),
    PROTOCOL_ERROR(1, PERMANENT),
    BAD_PREFACE(2, PERMANENT),
    FRAME_TOO_LARGE(3, PERMANENT),
    UNKNOWN_FRAME_TYPE(4, PERMANENT),
    STREAM_NOT_OPEN(5, PERMANENT),
    FLOW_CONTROL_ERROR(6, PERMANENT),
    TOO_MANY_STREAMS(7, TEMPORARY),
    HANDSHAKE_TIMEOUT(8, TEMPORARY),
    HEARTBEAT_TIMEOUT(9, TEMPORARY),
    GOING_AWAY(10, TEMPORARY),
    STREAM_CANCELLED(11, TEMPORARY),
    /** Also what an unknown code from a newer peer reads as. */
    @JsonEnumDefaultValue
    INTERNAL_ERROR(12, TEMPORARY),
    UNSUPPORTED_VERSION(13, PERMANENT),
    BAD_CONTROL_MESSAGE(14, PERMANENT),

    AUTH_FAILED(100, PERMANENT),
    NOT_AUTHENTICATED(101, PERMANENT),
    HOSTNAME_IN_USE(110, PERMANENT),
    INVALID_HOSTNAME(111, PERMANENT),
    PORT_UNAVAILABLE(112, PERMANENT),
    UNSUPPORTED_PROTOCOL(113, PERMANENT),
    ENDPOINT_NOT_FOUND(114, PERMANENT),
    /** The edge node is on the minority side of its cluster (a split, or a start before the others) and may not hand out endpoints until it is in the majority. */
    CLUSTER_UNAVAILABLE(115, TEMPORARY),
    /** The edge node cannot reach its tenancy store (database or cluster lock) to check a login now. */
    STORE_UNAVAILABLE(116, TEMPORARY),
    /** The edge node is draining (stopping): it takes no new agent links; another node does. */
    NODE_DRAINING(117, TEMPORARY),
    /** The endpoint's traffic policy does not compile; the message reads {@code source:line:col: what to fix}. */
    INVALID_TRAFFIC_POLICY(118, PERMANENT),
    /**
     * A pooled endpoint joins a pool whose traffic policy is another: one address has one policy, so every member must
     * carry the same document.
     */
    POOL_POLICY_MISMATCH(119, PERMANENT),
    /**
     * The endpoint's mutual TLS settings ({@code mutual_tls_cas}, {@code mutual_tls_crls}) cannot be applied: a CRL that
     * cannot be read, is not signed by one of the CAs, or has expired.
     */
    INVALID_MUTUAL_TLS(120, PERMANENT),

    // Multi-tenancy (docs/tenancy.md): refusals of a bind or a session, and why a live session was closed.
    /** The hostname is reserved by, or a custom domain of, another tenant. */
    HOSTNAME_RESERVED(130, PERMANENT),
    /** The TCP port is reserved by another tenant. */
    PORT_RESERVED(131, PERMANENT),
    /** The token's scopes (ACL) do not allow this bind. */
    NOT_PERMITTED(132, PERMANENT),
    /** The custom domain's ownership is not proven yet. */
    DOMAIN_NOT_VERIFIED(133, PERMANENT),
    ENDPOINT_QUOTA_EXCEEDED(134, PERMANENT),
    TCP_PORT_QUOTA_EXCEEDED(135, PERMANENT),
    SESSION_QUOTA_EXCEEDED(136, PERMANENT),
    /** The session's authtoken was revoked; reconnecting with it fails. */
    AUTH_REVOKED(137, PERMANENT),
    /** An administrator closed the session; the agent may link again (revoke the token to keep it out). */
    SESSION_KICKED(138, TEMPORARY),
    /** Too many refused authtokens came from the agent's address lately; it may try again later. */
    AUTH_RATE_LIMITED(139, TEMPORARY),

    UPSTREAM_UNREACHABLE(200, TEMPORARY),
    UPSTREAM_TIMEOUT(201, TEMPORARY),
    UPSTREAM_ERROR(202, TEMPORARY);

    /** Whether a refusal with this code may go away by itself, so that trying again later (or elsewhere) makes sense. */
    public enum Retry {
        /** A retry cannot fix it (a bad token, a name held by another tenant, a quota): the agent gives up. */
        PERMANENT,
        /** It may end by itself (cluster minority, store unreachable, node draining, rate limited): the agent retries. */
        TEMPORARY
    }

    private final int code;
    private final Retry retry;

    ErrorCode(int code, Retry retry) {
        this.code = code;
        this.retry = retry;
    }

    /** True when trying again later, or at another edge node, may succeed; false when only a change by the user can. */
    public boolean isTemporary() {
        return retry == Retry.TEMPORARY;
    }

    public int code() {
        return code;
    }

    /** The code for a wire value; unknown values map to {@link #INTERNAL_ERROR} rather than failing. */
    public static ErrorCode fromCode(long code) {
        for (ErrorCode value : values()) {
            if (value.code == code) {
                return value;
            }
        }
        return INTERNAL_ERROR;
    }
}
