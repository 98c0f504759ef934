package dev.burrow.edge.link;

import dev.burrow.edge.chain.EndpointPolicies;
import dev.burrow.edge.registry.Endpoint;
import dev.burrow.edge.registry.EndpointException;
import dev.burrow.edge.registry.EndpointRegistry;
import dev.burrow.policy.PolicyException;
import dev.burrow.protocol.ControlMessage;
import dev.burrow.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.Objects;

/**
 * Answers {@link ControlMessage.UpdatePolicy}: compiles the new document (a bad one is refused and the old policy
 * stays), changes the endpoint's registry record (every node that serves it sees the change), and answers "ok" once
 * this node has learned the changed record from the registry, so the agent's "ok" means this node applies it. Should
 * the change not reach this node within {@link #VIEW_WAIT_MILLIS}, the answer is a refusal saying so (the registry
 * keeps the new document; nodes apply it when they learn it, and sending the update again asks once more).
 */
final class PolicyUpdater {
    /** How long at most this node waits to learn the change before it answers that it has not. */
    static final long VIEW_WAIT_MILLIS = 2_000;

    private final Vertx vertx;
    private final EndpointRegistry registry;
    private final EndpointPolicies policies;

    PolicyUpdater(Vertx vertx, EndpointRegistry registry, EndpointPolicies policies) {
        this.vertx = vertx;
        this.registry = registry;
        this.policies = policies;
    }

    /** Always succeeds, with ok or a refusal. */
    Future<ControlMessage.UpdatePolicyResult> update(String sessionId, ControlMessage.UpdatePolicy update) {
        String document = update.trafficPolicy() == null || update.trafficPolicy().isBlank() ? null : update.trafficPolicy();
        return registry.lookupId(update.endpointId())
                .compose(current -> current == null ? Future.<Void>succeededFuture()
                        : policies.checkOffLoop(document, current.protocol(), current.settings(), current.hostname()))
                .compose(checked -> registry.changePolicy(update.endpointId(), sessionId, document))
                .compose(changed -> seenLocally(changed, document))
                .map(seen -> seen ? ControlMessage.UpdatePolicyResult.accepted(update.requestId())
                        : ControlMessage.UpdatePolicyResult.refused(update.requestId(), ErrorCode.INTERNAL_ERROR,
                        "the registry took the new traffic policy, but this edge node did not learn it within "
                                + VIEW_WAIT_MILLIS + " ms; it applies it once it does (send the update again to be told)"))
                .recover(error -> Future.succeededFuture(ControlMessage.UpdatePolicyResult.refused(update.requestId(),
                        error instanceof PolicyException ? ErrorCode.INVALID_TRAFFIC_POLICY
                                : error instanceof EndpointException e ? e.code() : ErrorCode.INTERNAL_ERROR,
                        error.getMessage())));
    }

    /**
     * Completes with true when this node learns the record carrying {@code document}, or its view already shows it
     * (the change event may have come before this wait began); with false after the wait bound.
     */
    private Future<Boolean> seenLocally(Endpoint changed, String document) {
        Future<Boolean> learned = policies.changeWaiters().await(vertx, changed.id(), document, VIEW_WAIT_MILLIS);
        registry.lookupId(changed.id()).onSuccess(current -> {
            if (current != null && Objects.equals(current.settings().trafficPolicy(), document)) {
                policies.of(current);
                policies.changeWaiters().seen(changed.id(), document);
            }
        });
        return learned;
    }
}
