package dev.burrow.edge.http;

import dev.burrow.edge.registry.Endpoint;
import dev.burrow.edge.registry.EndpointRegistry;
import dev.burrow.policy.InternalUrl;
import io.vertx.core.Future;

import java.util.Objects;

/**
 * Where a {@code forward-internal} sends an exchange: the internal endpoint of the same account as the endpoint whose
 * policy forwards (the same owner key: one managed tenant, or one configured authtoken). Another account's internal
 * endpoint, a public endpoint and a name nobody serves all look the same: null, answered like an unknown host.
 */
final class InternalTargets {
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
        return registry.lookupHostname(host).map(found -> reachable(from, found) ? found : null);
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
