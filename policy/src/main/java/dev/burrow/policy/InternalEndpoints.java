package dev.burrow.policy;

import io.vertx.core.Future;

/**
 * What {@code forward-internal} with {@code on_error: continue} asks before it forwards: whether an internal endpoint
 * of the forwarding endpoint's account serves a url now (bound and online). With {@code on_error: halt} nothing is
 * asked: the edge resolves the name when it forwards and answers a missing one itself.
 */
@FunctionalInterface
public interface InternalEndpoints {
    /** Where nothing can be checked (the offline {@code policy test}): every internal url counts as served. */
    InternalEndpoints ASSUMED_SERVED = (fromEndpointId, url) -> Future.succeededFuture(true);

    /**
     * Whether the account of the endpoint {@code fromEndpointId} has an online internal endpoint at {@code url}
     * ({@code http[s]://NAME.internal}); false for any other account's, on any thread.
     */
    Future<Boolean> serves(String fromEndpointId, String url);
}
