package dev.burrow.edge.region;

import dev.burrow.edge.registry.Endpoint;
import dev.burrow.edge.registry.EndpointClaim;
import dev.burrow.edge.registry.EndpointProtocol;
import dev.burrow.edge.registry.EndpointRegistry;
import dev.burrow.edge.registry.EndpointState;
import io.vertx.core.Future;

import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * The public HTTP listener's view of the registry: this region's registry first; a hostname it does not know is
 * looked up in the other regions ({@link RegionDirectory}). An endpoint found there is returned with the session
 * {@code region:NAME}, which {@link RegionalLinks} routes over the relay link to that region. Everything else is
 * this region's registry alone. A hostname this region holds for a tenant (reservation, wildcard, verified custom
 * domain) is served from another region only by an endpoint of that same tenant.
 */
public final class RegionalRegistry implements EndpointRegistry {
    private final EndpointRegistry local;
    private final RegionDirectory directory;
    private final Function<String, Future<String>> heldBy;
    private final String domain;
    private volatile java.util.function.IntFunction<Endpoint> remotePorts = port -> null;

    /**
     * @param heldBy the tenant holding a hostname (reserved or verified custom domain, in any region), or null
     * @param domain the edge's {@code --domain}: only its direct subdomains, and held names, are asked of other regions
     */
    public RegionalRegistry(EndpointRegistry local, RegionDirectory directory, Function<String, Future<String>> heldBy,
                            String domain) {
        this.local = local;
        this.directory = directory;
        this.heldBy = heldBy;
        this.domain = dev.burrow.edge.registry.Hostnames.normalize(domain);
    }

    /**
     * Whether another region could serve {@code hostname}: a name an agent may bind (one label under the domain) or a
     * name a tenant holds. Any other Host header is answered here, so random names cannot make this node fan out
     * lookups (review M5).
     */
    boolean mayBeBoundElsewhere(String hostname, String holder) {
        return holder != null || dev.burrow.edge.registry.Hostnames.isDirectSubdomain(hostname, domain);
    }

    /** TCP ports of other regions listened on here ({@link RemoteTcpPorts#endpointOn}). */
    void withRemotePorts(java.util.function.IntFunction<Endpoint> remotePorts) {
        this.remotePorts = remotePorts;
    }

    /**
     * Whether another region's answer may serve a hostname: always when this region holds it for nobody; else only an
     * endpoint of the holding tenant (an answer without a tenant, from an older region, never).
     */
    static boolean mayServe(String holder, RegionRelays.Answer answer) {
        return answer != null && (holder == null || holder.equals(answer.tenantId()));
    }

    /** Whether {@code endpoint} is served in another region (found through the directory). */
    static boolean isRemote(Endpoint endpoint) {
        return endpoint.sessionId() != null && endpoint.sessionId().startsWith(RegionRelays.KEY_PREFIX);
    }

    @Override
    public Future<Endpoint> lookupHostname(String hostname) {
        return local.lookupHostname(hostname).compose(endpoint -> endpoint != null ? Future.succeededFuture(endpoint)
                : heldBy.apply(hostname).compose(holder -> !mayBeBoundElsewhere(hostname, holder) ? Future.succeededFuture()
                        : directory.find(hostname).map(answer -> !mayServe(holder, answer) ? null
                        : new Endpoint(answer.endpointId(), EndpointProtocol.HTTP, hostname, 0, answer.region(),
                        ownerKeyOf(answer), EndpointState.ONLINE,
                        new dev.burrow.protocol.EndpointSettings(false, answer.trafficPolicy())))));
    }

    /**
     * The owner key of an endpoint another region serves, as far as its answer tells: its tenant, so that this region
     * applies that tenant's limits (requests/s) to the requests it relays there; null from an older region.
     */
    static String ownerKeyOf(RegionRelays.Answer answer) {
        return answer.tenantId() == null ? null : dev.burrow.edge.tenancy.Principal.TENANT_OWNER_PREFIX + answer.tenantId();
    }

    /** Internal endpoints are this region's only: their names are never asked of another region. */
    @Override
    public Future<Endpoint> lookupInternal(String ownerKey, String hostname) {
        return local.lookupInternal(ownerKey, hostname);
    }

    @Override
    public Future<Endpoint> bind(EndpointClaim claim) {
        return local.bind(claim);
    }

    @Override
    public Future<Endpoint> lookupPort(int port) {
        return local.lookupPort(port).map(endpoint -> endpoint != null ? endpoint : remotePorts.apply(port));
    }

    @Override
    public Future<Endpoint> lookupId(String endpointId) {
        return local.lookupId(endpointId);
    }

    @Override
    public Future<Endpoint> unbind(String endpointId, String sessionId) {
        return local.unbind(endpointId, sessionId);
    }

    @Override
    public Future<Endpoint> changePolicy(String endpointId, String sessionId, String document) {
        return local.changePolicy(endpointId, sessionId, document);
    }

    @Override
    public Future<List<Endpoint>> markOffline(String sessionId, long linkEpoch) {
        return local.markOffline(sessionId, linkEpoch);
    }

    @Override
    public Future<List<Endpoint>> removeOffline(String sessionId) {
        return local.removeOffline(sessionId);
    }

    @Override
    public Future<List<Endpoint>> markOffline(String sessionId, long linkEpoch, Collection<String> endpointIds) {
        return local.markOffline(sessionId, linkEpoch, endpointIds);
    }

    @Override
    public Future<List<Endpoint>> removeOffline(String sessionId, Collection<String> endpointIds) {
        return local.removeOffline(sessionId, endpointIds);
    }

    /** An endpoint of another region is as the directory last answered; one of this region, as its registry holds it. */
    @Override
    public Future<Endpoint> current(Endpoint endpoint) {
        return isRemote(endpoint) ? Future.succeededFuture(endpoint) : local.current(endpoint);
    }

    @Override
    public Future<List<Endpoint>> list() {
        return local.list();
    }
}
