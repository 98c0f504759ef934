package dev.burrow.agent.forward;

import dev.burrow.agent.TunnelConnection;
import io.vertx.core.Future;
import io.vertx.core.Handler;

/** Carries each connection of one endpoint to its upstream; owns the clients it uses and closes them. */
public interface ConnectionForwarder extends Handler<TunnelConnection> {

    /** The edge's traffic policy refused a request to this endpoint (it never reached the agent). */
    default void policyRefused(dev.burrow.protocol.ControlMessage.PolicyRefusal refusal) {
    }

    /** Releases pooled upstream connections. Connections in flight are left to finish or fail. */
    Future<Void> close();
}
