package dev.burrow.edge.link;

import dev.burrow.edge.registry.EndpointRegistry;
import dev.burrow.edge.tenancy.TenantAuthenticator;
import dev.burrow.edge.tenancy.TenantSessions;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * What every agent session needs, built once per node.
 *
 * @param heartbeatInterval sent to agents in the auth result and used for the link's own heartbeats
 * @param edgeNodes         the agent-link addresses of the cluster's other nodes, for the auth result
 * @param authenticator     configured and managed (tenant) authtokens
 * @param tenantSessions    the cluster-wide list of live sessions (session quota, admin kicks)
 * @param authFailures      unknown authtokens per remote address (a spray is answered AUTH_RATE_LIMITED; a known token
 *                          is never refused by it)
 * @param draining          true once the node drains: it takes no new agent links (NODE_DRAINING, a temporary refusal)
 */
public record SessionServices(Vertx vertx, TenantAuthenticator authenticator, SessionTable sessions, EndpointBinder binder,
                              EndpointRegistry registry, Duration heartbeatInterval, Supplier<List<String>> edgeNodes,
                              TenantSessions tenantSessions, AuthFailureLimiter authFailures,
                              java.util.function.BooleanSupplier draining) {
}
