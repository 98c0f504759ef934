package dev.burrow.edge.chain;

import dev.burrow.edge.registry.Endpoint;

/** Decides, per public request, whether an endpoint may take one more now (tenant rate quotas). Called on event loops. */
@FunctionalInterface
public interface RequestQuota {
    RequestQuota UNLIMITED = endpoint -> 0;

    /** 0 to admit the request; otherwise the limit (requests per second) that refused it. */
    int refuse(Endpoint endpoint);
}
