package dev.burrow.protocol;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Which refusals an agent rides out and which end it is a property of each code, pinned here: a code that moves from
 * one side to the other changes what every agent does, so it must be a deliberate change of this list.
 */
class ErrorCodeRetryTest {

    @Test
    void refusalsThatEndByThemselvesAreTemporary() {
        Set<ErrorCode> temporary = EnumSet.of(ErrorCode.TOO_MANY_STREAMS, ErrorCode.HANDSHAKE_TIMEOUT,
                ErrorCode.HEARTBEAT_TIMEOUT, ErrorCode.GOING_AWAY, ErrorCode.STREAM_CANCELLED, ErrorCode.INTERNAL_ERROR,
                ErrorCode.CLUSTER_UNAVAILABLE, ErrorCode.STORE_UNAVAILABLE, ErrorCode.NODE_DRAINING,
                ErrorCode.SESSION_KICKED, ErrorCode.AUTH_RATE_LIMITED, ErrorCode.UPSTREAM_UNREACHABLE,
                ErrorCode.UPSTREAM_TIMEOUT, ErrorCode.UPSTREAM_ERROR);
        Set<ErrorCode> marked = EnumSet.noneOf(ErrorCode.class);
        for (ErrorCode code : ErrorCode.values()) {
            if (code.isTemporary()) {
                marked.add(code);
            }
        }
        assertEquals(temporary, marked);
    }

    @Test
    void aBadTokenANameOfAnotherTenantAndQuotasArePermanent() {
        for (ErrorCode code : EnumSet.of(ErrorCode.AUTH_FAILED, ErrorCode.AUTH_REVOKED, ErrorCode.HOSTNAME_IN_USE,
                ErrorCode.HOSTNAME_RESERVED, ErrorCode.PORT_RESERVED, ErrorCode.NOT_PERMITTED,
                ErrorCode.ENDPOINT_QUOTA_EXCEEDED, ErrorCode.TCP_PORT_QUOTA_EXCEEDED, ErrorCode.SESSION_QUOTA_EXCEEDED)) {
            assertEquals(false, code.isTemporary(), code.name());
        }
    }

    @Test
    void newCodesKeepTheirNumbers() {
        assertEquals(115, ErrorCode.CLUSTER_UNAVAILABLE.code());
        assertEquals(116, ErrorCode.STORE_UNAVAILABLE.code());
        assertEquals(117, ErrorCode.NODE_DRAINING.code());
        assertEquals(ErrorCode.NODE_DRAINING, ErrorCode.fromCode(117));
        assertEquals(118, ErrorCode.INVALID_TRAFFIC_POLICY.code());
        assertEquals(false, ErrorCode.INVALID_TRAFFIC_POLICY.isTemporary(), "a policy that does not compile stays so");
    }
}
