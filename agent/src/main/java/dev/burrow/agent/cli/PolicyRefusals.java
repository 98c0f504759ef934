package dev.burrow.agent.cli;

import dev.burrow.agent.BurrowException;
import dev.burrow.agent.api.TunnelRequest;
import dev.burrow.protocol.ErrorCode;

/** How the agent API answers a live policy change the edge did not take. */
final class PolicyRefusals {

    private PolicyRefusals() {
    }

    /** 400 for a document that does not compile (its {@code traffic_policy:LINE:COL: what}), 404, 503, else 502. */
    static Throwable forApi(Throwable failure) {
        if (failure instanceof BurrowException e) {
            if (e.edgeCode() == ErrorCode.INVALID_TRAFFIC_POLICY) {
                return new TunnelRequest.Refused(400, e.getMessage());
            }
            if (e.edgeCode() == ErrorCode.ENDPOINT_NOT_FOUND || e.reason() == BurrowException.Reason.CLOSED) {
                return new TunnelRequest.Refused(404, e.getMessage());
            }
            if (e.reason() == BurrowException.Reason.UNAVAILABLE || e.reason() == BurrowException.Reason.LINK_LOST) {
                return new TunnelRequest.Refused(503, e.getMessage());
            }
        }
        return failure;
    }
}
