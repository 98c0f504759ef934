package dev.burrow.edge.registry;

import io.vertx.core.Future;

import java.util.List;

/**
 * Which endpoints exist and which agent session serves each: hostname → endpoint for HTTP, port → endpoint for
 * TCP. Implementations: {@link LocalEndpointRegistry} (one node, in memory); a clustered one shares the same
 * contract. Hostnames passed in must be normalized ({@link Hostnames#normalize}). Every method may be called from
 * any thread; failures are {@link EndpointException}s.
 */
public interface EndpointRegistry {

    /**
     * Registers an endpoint for {@code claim}. Succeeds when the hostname/port is free; when it is already served by
     * the same session (returns that endpoint); or when it is OFFLINE and was bound with the same owner key (the
     * endpoint keeps its id and moves to the claiming session, ONLINE). Otherwise fails with HOSTNAME_IN_USE or
     * PORT_UNAVAILABLE.
     */
    Future<Endpoint> bind(EndpointClaim claim);

    /** The endpoint for a normalized hostname, or null. */
    Future<Endpoint> lookupHostname(String hostname);

    /** The TCP endpoint on a port, or null. */
    Future<Endpoint> lookupPort(int port);

    /** The endpoint with this id, or null. */
    Future<Endpoint> lookupId(String endpointId);

    /** Removes an endpoint served by {@code sessionId}; fails with ENDPOINT_NOT_FOUND when it has no such endpoint. */
    Future<Endpoint> unbind(String endpointId, String sessionId);

    /** Marks every endpoint of a session OFFLINE (its link dropped); returns them. */
    Future<List<Endpoint>> markOffline(String sessionId);

    /** Removes the endpoints of a session that are still OFFLINE (its grace period ended); returns them. */
    Future<List<Endpoint>> removeOffline(String sessionId);

    /** Every endpoint, for diagnostics and tests. */
    Future<List<Endpoint>> list();
}
