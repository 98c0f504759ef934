package dev.burrow.k8s;

import dev.burrow.agent.BurrowSession;
import dev.burrow.agent.Forwarder;
import io.vertx.core.Future;

/**
 * One endpoint a resource asks for, as a value: two wishes are equal exactly when they would bind the same endpoint,
 * so a wish that did not change keeps its endpoint bound and one that did is re-bound (or, when only its traffic policy
 * changed, keeps its endpoint and has the new policy applied to it).
 */
interface EndpointWish {

    /** Binds the endpoint on {@code session}. */
    Future<Forwarder> bind(BurrowSession session);

    /** The traffic policy document the endpoint is bound with (null: none). */
    default String trafficPolicy() {
        return null;
    }

    /**
     * This wish with {@code policy} in place of its own; a wish that equals another once given the other's policy
     * differs from it only in policy, which changes live on the bound endpoint instead of a re-bind.
     */
    default EndpointWish withTrafficPolicy(String policy) {
        return this;
    }
}
