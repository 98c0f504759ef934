package dev.burrow.k8s;

import dev.burrow.agent.BurrowSession;
import dev.burrow.agent.Forwarder;
import io.vertx.core.Future;

/**
 * One endpoint a resource asks for, as a value: two wishes are equal exactly when they would bind the same endpoint,
 * so a wish that did not change keeps its endpoint bound and one that did is re-bound.
 */
interface EndpointWish {

    /** Binds the endpoint on {@code session}. */
    Future<Forwarder> bind(BurrowSession session);
}
