package dev.burrow.edge.tls.acme;

import dev.burrow.edge.registry.EndpointRegistry;
import dev.burrow.edge.registry.Hostnames;
import io.vertx.core.Future;

import java.util.function.Function;

/**
 * Which names the cluster may get a certificate for, and whose cap each counts against: a reserved name or a verified
 * custom domain (its tenant), or a hostname with an online HTTP or HTTPS endpoint (the tenant holding it, else the
 * authtoken that bound it). Any other name, such as whatever SNI a scanner sends, or an internal endpoint's, is never
 * ordered.
 */
public final class NameEligibility {
    private final Function<String, Future<String>> heldBy;
    private final EndpointRegistry registry;

    /** @param heldBy the tenant holding a name by reservation or verified custom domain, or null */
    public NameEligibility(Function<String, Future<String>> heldBy, EndpointRegistry registry) {
        this.heldBy = heldBy;
        this.registry = registry;
    }

    /** The tenant (or owner) the name's certificate is counted for; null when the name is not one to certify. */
    public Future<String> tenantOf(String serverName) {
        String name = serverName == null ? null : Hostnames.normalize(serverName);
        // An internal endpoint (forward-internal only) is never public: no certificate, whatever SNI asks.
        if (name == null || name.startsWith("*.") || !name.contains(".") || dev.burrow.protocol.Bindings.isInternalHostname(name)) {
            return Future.succeededFuture();
        }
        return heldBy.apply(name).compose(tenant -> tenant != null ? Future.succeededFuture(tenant)
                : registry.lookupHostname(name).map(endpoint -> endpoint != null && endpoint.protocol().carriesHttp()
                        && endpoint.state() == dev.burrow.edge.registry.EndpointState.ONLINE ? "owner:" + endpoint.ownerKey() : null));
    }
}
