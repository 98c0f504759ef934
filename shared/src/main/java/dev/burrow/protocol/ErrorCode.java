package dev.burrow.protocol;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;

/**
 * Stable error codes carried by RESET, GO_AWAY and control ERROR messages. The numeric code is the wire
 * value in binary frames, the name is the wire value in JSON control messages; neither is ever reused.
 */
public enum ErrorCode {
    NO_ERROR(0),
    PROTOCOL_ERROR(1),
    BAD_PREFACE(2),
    FRAME_TOO_LARGE(3),
    UNKNOWN_FRAME_TYPE(4),
    STREAM_NOT_OPEN(5),
    FLOW_CONTROL_ERROR(6),
    TOO_MANY_STREAMS(7),
    HANDSHAKE_TIMEOUT(8),
    HEARTBEAT_TIMEOUT(9),
    GOING_AWAY(10),
    STREAM_CANCELLED(11),
    /** Also what an unknown code from a newer peer reads as. */
    @JsonEnumDefaultValue
    INTERNAL_ERROR(12),
    UNSUPPORTED_VERSION(13),
    BAD_CONTROL_MESSAGE(14),

    AUTH_FAILED(100),
    NOT_AUTHENTICATED(101),
    HOSTNAME_IN_USE(110),
    INVALID_HOSTNAME(111),
    PORT_UNAVAILABLE(112),
    UNSUPPORTED_PROTOCOL(113),
    ENDPOINT_NOT_FOUND(114),
    /** The edge node is on the minority side of a cluster split and may not hand out endpoints until it heals. */
    CLUSTER_UNAVAILABLE(115),

    // Multi-tenancy (docs/tenancy.md): refusals of a bind or a session, and why a live session was closed.
    /** The hostname is reserved by, or a custom domain of, another tenant. */
    HOSTNAME_RESERVED(130),
    /** The TCP port is reserved by another tenant. */
    PORT_RESERVED(131),
    /** The token's scopes (ACL) do not allow this bind. */
    NOT_PERMITTED(132),
    /** The custom domain's ownership is not proven yet. */
    DOMAIN_NOT_VERIFIED(133),
    ENDPOINT_QUOTA_EXCEEDED(134),
    TCP_PORT_QUOTA_EXCEEDED(135),
    SESSION_QUOTA_EXCEEDED(136),
    /** The session's authtoken was revoked; reconnecting with it fails. */
    AUTH_REVOKED(137),
    /** An administrator closed the session. */
    SESSION_KICKED(138),
    /** Too many refused authtokens came from the agent's address lately; it may try again later. */
    AUTH_RATE_LIMITED(139),

    UPSTREAM_UNREACHABLE(200),
    UPSTREAM_TIMEOUT(201),
    UPSTREAM_ERROR(202);

    private final int code;

    ErrorCode(int code) {
        this.code = code;
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
