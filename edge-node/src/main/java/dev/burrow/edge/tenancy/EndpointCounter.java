package dev.burrow.edge.tenancy;

import dev.burrow.edge.registry.EndpointProtocol;
import io.vertx.core.Future;

/** Counts the endpoints an owner key holds in the cluster, for quotas. */
@FunctionalInterface
public interface EndpointCounter {
    /**
     * @param protocol  only this protocol, or null for all
     * @param exceptKey registry key not to count (the one being claimed), or null
     */
    Future<Integer> count(String ownerKey, EndpointProtocol protocol, String exceptKey);
}
