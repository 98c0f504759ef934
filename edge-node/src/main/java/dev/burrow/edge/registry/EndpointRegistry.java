package dev.burrow.edge.registry;

import io.vertx.core.Future;

import java.util.Collection;
import java.util.List;

/**
 * Which endpoints exist and which agent session serves each: hostname → endpoint for HTTP, port → endpoint for
 * TCP, shared by every node of the cluster ({@link HazelcastEndpointRegistry}; a lone node is a cluster of one).
 * An endpoint is ONLINE while at least one link (on any node) serves it. Hostnames passed in must be normalized ({@link Hostnames#normalize}). Every method may be called from
 * any thread; failures are {@link EndpointException}s.
 */
public interface EndpointRegistry {

    /**
     * Registers an endpoint for {@code claim} and adds this node's link to it. Succeeds when the hostname/port is
     * free; when it is already owned by the same session and owner key (returns that endpoint: an extra link, or a
     * re-bind after a reconnect); or when it is OFFLINE and was bound with the same owner key (the
     * endpoint keeps its id and moves to the claiming session, ONLINE); or when both the endpoint and the claim are
     * pooled with the same owner key (the claiming session's link is added beside the others). Otherwise fails with HOSTNAME_IN_USE or
     * PORT_UNAVAILABLE.
     */
    Future<Endpoint> bind(EndpointClaim claim);

    /**
     * The endpoint for a normalized public hostname, or null; null for an internal name ({@code NAME.internal}), which
     * only {@link #lookupInternal} finds.
     */
    Future<Endpoint> lookupHostname(String hostname);

    /**
     * The internal endpoint {@code hostname} ({@code NAME.internal}, normalized) of the account {@code ownerKey}, or null:
     * each account has its own internal names, so another account's endpoint of the same name is never found.
     */
    default Future<Endpoint> lookupInternal(String ownerKey, String hostname) {
        return Future.succeededFuture();
    }

    /** The TCP endpoint on a port, or null. */
    Future<Endpoint> lookupPort(int port);

    /** The endpoint on a port of {@code protocol} (TCP or UDP), or null. By default only TCP ports are known. */
    default Future<Endpoint> lookupPort(EndpointProtocol protocol, int port) {
        return protocol == EndpointProtocol.TCP ? lookupPort(port) : Future.succeededFuture();
    }

    /** The endpoint with this id, or null. */
    Future<Endpoint> lookupId(String endpointId);

    /**
     * Removes an endpoint served by {@code sessionId}; fails with ENDPOINT_NOT_FOUND when it has no such endpoint. A
     * pooled endpoint that other sessions still serve only loses this session's links (the result is then ONLINE).
     */
    Future<Endpoint> unbind(String endpointId, String sessionId);

    /**
     * Removes this node's links of a session with an epoch up to {@code linkEpoch} (the link dropped); returns the
     * session's endpoints that changed (OFFLINE when no other node serves them).
     */
    Future<List<Endpoint>> markOffline(String sessionId, long linkEpoch);

    /** Removes the endpoints of a session that are still OFFLINE (its grace period ended); returns them. */
    Future<List<Endpoint>> removeOffline(String sessionId);

    /**
     * As {@link #markOffline(String, long)}, looking only at {@code endpointIds}, the endpoints the session bound on this
     * node: a registry may then touch those records alone instead of looking through every one, so that links dropping
     * all at once cost each its own endpoints, not a pass over the whole registry.
     */
    default Future<List<Endpoint>> markOffline(String sessionId, long linkEpoch, Collection<String> endpointIds) {
        return markOffline(sessionId, linkEpoch);
    }

    /** As {@link #removeOffline(String)}, looking only at {@code endpointIds} (see {@link #markOffline(String, long, Collection)}). */
    default Future<List<Endpoint>> removeOffline(String sessionId, Collection<String> endpointIds) {
        return removeOffline(sessionId);
    }

    /**
     * Replaces the traffic policy of an endpoint {@code sessionId} serves (null removes it), without touching its links;
     * every node sees the changed record. Fails with ENDPOINT_NOT_FOUND when the session serves no such endpoint.
     */
    default Future<Endpoint> changePolicy(String endpointId, String sessionId, String document) {
        return Future.failedFuture(new EndpointException(dev.burrow.protocol.ErrorCode.ENDPOINT_NOT_FOUND,
                "this registry cannot change an endpoint's policy"));
    }

    /** Every endpoint, for diagnostics and tests. */
    Future<List<Endpoint>> list();

    /**
     * What the registry itself holds now under {@code endpoint}'s hostname or port, or null once it was removed. The
     * lookups may answer from a node's copy, which lags a removal by its event's delay; an answer that would tell the
     * client "agent offline" asks here first. A registry without a copy answers {@code endpoint}.
     */
    default Future<Endpoint> current(Endpoint endpoint) {
        return Future.succeededFuture(endpoint);
    }
}
