package dev.burrow.edge.link;

import dev.burrow.edge.chain.EndpointPolicies;
import dev.burrow.edge.registry.Endpoint;
import dev.burrow.edge.registry.EndpointException;
import dev.burrow.edge.registry.EndpointRegistry;
import dev.burrow.policy.PolicyException;
import dev.burrow.protocol.ControlMessage;
import dev.burrow.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.Objects;

/**
 * Answers {@link ControlMessage.UpdatePolicy}: compiles the new document (a bad one is refused and the old policy
 * stays), changes the endpoint's registry record (every node that serves it sees the change), and answers once this
 * node's own view of the record carries the new document, so the agent's "ok" means this node applies it.
 */
final class PolicyUpdater {
    /** How often, and how long at most, the local view is read until it shows the change (it lags by an event). */
    static final long VIEW_POLL_MILLIS = 5;
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
        return policies.checkOffLoop(document)
                .compose(checked -> registry.changePolicy(update.endpointId(), sessionId, document))
                .compose(changed -> seenLocally(changed, document))
                .map(ignored -> ControlMessage.UpdatePolicyResult.accepted(update.requestId()))
                .recover(error -> Future.succeededFuture(ControlMessage.UpdatePolicyResult.refused(update.requestId(),
                        error instanceof PolicyException ? ErrorCode.INVALID_TRAFFIC_POLICY
                                : error instanceof EndpointException e ? e.code() : ErrorCode.INTERNAL_ERROR,
                        error.getMessage())));
    }

    /** Completes when this node's lookup of the endpoint shows {@code document}, or after the wait bound. */
    private Future<Void> seenLocally(Endpoint changed, String document) {
        policies.of(changed);
        Promise<Void> seen = Promise.promise();
        long deadline = System.nanoTime() + VIEW_WAIT_MILLIS * 1_000_000;
        poll(changed.id(), document, deadline, seen);
        return seen.future();
    }

    private void poll(String endpointId, String document, long deadline, Promise<Void> seen) {
        registry.lookupId(endpointId).onComplete(ar -> {
            boolean current = ar.succeeded() && ar.result() != null
                    && Objects.equals(ar.result().settings().trafficPolicy(), document);
            if (current || deadline - System.nanoTime() <= 0) {
                seen.tryComplete();
            } else {
                vertx.setTimer(VIEW_POLL_MILLIS, id -> poll(endpointId, document, deadline, seen));
            }
        });
    }
}
