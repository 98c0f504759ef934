package dev.burrow.edge.tls.acme;

import dev.burrow.edge.registry.EndpointRegistry;
import dev.burrow.edge.registry.Hostnames;
import io.vertx.core.Future;

/**
 * Which names the cluster may get a certificate for, and whose cap each counts against: a reserved name or a verified
 * custom domain (its tenant), or a hostname with an online HTTP or HTTPS endpoint (the tenant holding it, else the
 * authtoken that bound it). Any other name, such as whatever SNI a scanner sends, or an internal endpoint's, is never
 * ordered. A name held through a tenant's reserved wildcard says so ({@link Eligible#wildcard()}), so that with a DNS
 * hook it can be served by that wildcard's certificate ({@link OrderNames}).
 */
public final class NameEligibility {
    /** Who holds names, as the tenancy maps say; lookups of this node's copy, never a blocking call. */
    public interface Holders {
        /** The holder of a normalized host name by reservation, verified custom domain or reserved wildcard; or null. */
        Future<Eligible> holderOf(String hostname);

        /** The tenant holding exactly the reserved wildcard {@code *.BASE}, or null. */
        Future<String> wildcardHolder(String base);

        /**
         * The same from memory only (this node's copy of the tenancy maps), for the handshake path: never a cluster
         * call; null when nobody holds it or the copy is not loaded yet.
         */
        String wildcardHolderInCopy(String base);
    }

    /**
     * A name that may be certified.
     *
     * @param owner    the tenant (or {@code owner:KEY} of an authtoken) its certificate is counted for
     * @param wildcard the reserved wildcard ({@code *.team.example.com}) through which the tenant holds the name, or null
     */
    public record Eligible(String owner, String wildcard) {
    }

    private final Holders holders;
    private final EndpointRegistry registry;

    public NameEligibility(Holders holders, EndpointRegistry registry) {
        this.holders = holders;
        this.registry = registry;
    }

    /** The tenant (or owner) the name's certificate is counted for; null when the name is not one to certify. */
    public Future<String> tenantOf(String serverName) {
        return of(serverName).map(eligible -> eligible == null ? null : eligible.owner());
    }

    /** Whether and how the name may be certified; null when it is not one to certify. */
    public Future<Eligible> of(String serverName) {
        String name = serverName == null ? null : Hostnames.normalize(serverName);
        // An internal endpoint (forward-internal only) is never public: no certificate, whatever SNI asks.
        if (name == null || name.startsWith("*.") || !name.contains(".") || dev.burrow.protocol.Bindings.isInternalHostname(name)) {
            return Future.succeededFuture();
        }
        return holders.holderOf(name).compose(held -> held != null ? Future.succeededFuture(held)
                : registry.lookupHostname(name).map(endpoint -> endpoint != null && endpoint.protocol().carriesHttp()
                        && endpoint.state() == dev.burrow.edge.registry.EndpointState.ONLINE
                        ? new Eligible("owner:" + endpoint.ownerKey(), null) : null));
    }

    /** As {@link #wildcardHolder}, from this node's copy only: for the handshake path. */
    public String wildcardHolderInCopy(String wildcard) {
        return wildcard.startsWith("*.") ? holders.wildcardHolderInCopy(wildcard.substring(2)) : null;
    }

    /** The tenant that still holds the reserved wildcard a certificate was ordered as ({@code *.BASE}), or null. */
    public Future<String> wildcardHolder(String wildcard) {
        return wildcard.startsWith("*.") ? holders.wildcardHolder(wildcard.substring(2)) : Future.succeededFuture();
    }
}
