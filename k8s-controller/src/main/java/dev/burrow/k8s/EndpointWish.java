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

    /**
     * Whether the endpoint bound for {@code bound} as {@code forwarder} already is this wish's endpoint. Equal wishes
     * are; a TCP port the edge picked is also what a wish for that port number asks for (and a wish for any port).
     */
    default boolean servedBy(EndpointWish bound, Forwarder forwarder) {
        return equals(bound);
    }

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
