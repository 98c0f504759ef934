package dev.burrow.edge.http;

import dev.burrow.edge.registry.Endpoint;
import dev.burrow.edge.registry.EndpointRegistry;
import dev.burrow.edge.registry.EndpointState;
import dev.burrow.policy.InternalEndpoints;
import dev.burrow.policy.InternalUrl;
import io.vertx.core.Future;

import java.util.Objects;

/**
 * Where a {@code forward-internal} sends an exchange: the internal endpoint of the same account as the endpoint whose
 * policy forwards (the same owner key: one managed tenant, or one configured authtoken), looked up in that account's
 * own internal names. Another account's internal endpoint of any name, a public endpoint and a name nobody serves all
 * look the same: null, answered like an unknown host.
 */
public final class InternalTargets {
    /** Forwards one exchange may take (a policy of an internal endpoint may forward again); more is a loop. */
    static final int MAX_HOPS = 5;

    private InternalTargets() {
    }

    /** The endpoint {@code url} names for {@code from}'s account, or null; any thread. */
    static Future<Endpoint> resolve(EndpointRegistry registry, Endpoint from, String url) {
        String host = InternalUrl.hostOf(url);
        if (host == null) {
            return Future.succeededFuture();
        }
        return registry.lookupInternal(from.ownerKey(), host).map(found -> reachable(from, found) ? found : null);
    }

    /**
     * What {@code forward-internal} with {@code on_error: continue} asks: whether the account of the endpoint
     * {@code fromEndpointId} has an online internal endpoint at {@code url}, looked up as a forward would be.
     */
    public static InternalEndpoints check(EndpointRegistry registry) {
        return (fromEndpointId, url) -> fromEndpointId == null ? Future.succeededFuture(false)
                : registry.lookupId(fromEndpointId).compose(from -> from == null ? Future.succeededFuture(false)
                : resolve(registry, from, url).map(to -> to != null && to.state() == EndpointState.ONLINE));
    }

    /** Whether an exchange that {@code from}'s policy forwarded may go to {@code to}. */
    static boolean reachable(Endpoint from, Endpoint to) {
        return to != null && InternalUrl.isInternalHostname(to.hostname()) && Objects.equals(from.ownerKey(), to.ownerKey());
    }

    /** Whether a request for {@code host} straight from a public listener must be answered as for an unknown host. */
    static boolean hiddenFromPublic(String host) {
        return InternalUrl.isInternalHostname(host);
    }
}
