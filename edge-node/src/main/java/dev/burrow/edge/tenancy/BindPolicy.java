package dev.burrow.edge.tenancy;

import dev.burrow.edge.registry.EndpointException;
import dev.burrow.edge.registry.EndpointProtocol;
import dev.burrow.edge.registry.EndpointRecord;
import dev.burrow.edge.registry.Hostnames;
import dev.burrow.protocol.ErrorCode;
import io.vertx.core.Future;

/**
 * What a principal may bind: names held by another tenant (reservations, wildcards, custom domains) never; its own
 * held names and, when nobody holds them, direct subdomains of the edge's domain; its own custom domains only once
 * verified; only what the token's scopes allow; within the tenant's endpoint and TCP port quotas. Hostnames must be
 * normalized. Refusals are {@link EndpointException}s with a stable code.
 */
public final class BindPolicy {
    private final ReservedNames store;
    private final EndpointCounter counter;
    private final String domain;

    public BindPolicy(ReservedNames store, EndpointCounter counter, String domain) {
        this.store = store;
        this.counter = counter;
        this.domain = domain;
    }

    /** Checks an explicitly asked hostname (already normalized). */
    public Future<Void> checkHostname(Principal principal, String hostname, String asked) {
        if (!Hostnames.isValidHostname(hostname)) {
            return refuse(ErrorCode.INVALID_HOSTNAME, "hostname " + asked + " is not a valid DNS name");
        }
        if (dev.burrow.policy.InternalUrl.isInternalHostname(hostname)) {
            // Only a forward-internal of the same account reaches it, and each account has its own internal names: no
            // public name is taken, no domain to own.
            return checkQuota(principal, EndpointProtocol.HTTP,
                    EndpointRecord.keyOf(EndpointProtocol.HTTP, hostname, 0, principal.endpointOwnerKey()));
        }
        return store.ownerOf(hostname).map(held -> excludingOthersPending(held, principal.tenantId())).compose(owner -> {
            if (owner != null && !owner.tenantId().equals(principal.tenantId())) {
                return refuse(ErrorCode.HOSTNAME_RESERVED, "hostname " + hostname + " is reserved by another account");
            }
            if (owner == null && !Hostnames.isDirectSubdomain(hostname, domain)) {
                return refuse(ErrorCode.INVALID_HOSTNAME, "hostname " + asked + " is not a name under this edge's domain; use NAME."
                        + domain + " where NAME has letters, digits and inner '-', or reserve it or register it as a custom domain first");
            }
            if (owner != null && !owner.verified()) {
                return refuse(ErrorCode.DOMAIN_NOT_VERIFIED, "custom domain " + hostname
                        + " is not verified yet; publish its TXT record and call its verify endpoint (see docs/tenancy.md)");
            }
            if (!Scopes.allowsHostname(principal.scopes(), hostname)) {
                return refuse(ErrorCode.NOT_PERMITTED, "this authtoken's scopes " + principal.scopes() + " do not allow binding " + hostname);
            }
            return checkQuota(principal, EndpointProtocol.HTTP, EndpointRecord.keyOf(EndpointProtocol.HTTP, hostname, 0));
        });
    }

    /** Whether a generated name may be used: nobody holds it (so it never collides with a reservation). */
    public Future<Boolean> isUnheld(String hostname) {
        return store.ownerOf(hostname).map(owner -> owner == null || !owner.verified());
    }

    /**
     * A pending custom domain is only a claim that nobody has proven: it must not exclude anyone (else any tenant could
     * take a name from everyone by registering it and never verifying). Its own tenant still sees DOMAIN_NOT_VERIFIED.
     */
    static NameOwner excludingOthersPending(NameOwner owner, String tenantId) {
        return owner != null && !owner.verified() && !owner.tenantId().equals(tenantId) ? null : owner;
    }

    /** Checks a random name's scopes and quota before any name is generated. */
    public Future<Void> checkRandomHostname(Principal principal, String sampleName) {
        if (!Scopes.allowsHostname(principal.scopes(), sampleName)) {
            return refuse(ErrorCode.NOT_PERMITTED, "this authtoken's scopes " + principal.scopes()
                    + " do not allow a random name under " + domain + "; ask for a hostname they allow");
        }
        return checkQuota(principal, EndpointProtocol.HTTP, null);
    }

    /** Checks an explicitly asked TCP port. */
    public Future<Void> checkPort(Principal principal, int port) {
        if (!Scopes.allowsPort(principal.scopes(), port)) {
            return refuse(ErrorCode.NOT_PERMITTED, "this authtoken's scopes " + principal.scopes() + " do not allow TCP port " + port);
        }
        return store.portOwner(port).compose(owner -> owner != null && !owner.equals(principal.tenantId())
                ? refuse(ErrorCode.PORT_RESERVED, "TCP port " + port + " is reserved by another account")
                : checkQuota(principal, EndpointProtocol.TCP, EndpointRecord.keyOf(EndpointProtocol.TCP, null, port)));
    }

    /** Checks a random TCP port's scopes and quota. */
    public Future<Void> checkRandomPort(Principal principal) {
        if (!principal.scopes().isEmpty() && !principal.scopes().contains(Scopes.BIND + "tcp:*")
                && !principal.scopes().contains(Scopes.BIND + "*")) {
            return refuse(ErrorCode.NOT_PERMITTED, "this authtoken's scopes " + principal.scopes()
                    + " do not allow a random TCP port; ask for a port they allow");
        }
        return checkQuota(principal, EndpointProtocol.TCP, null);
    }

    /**
     * Checks a UDP port, asked for or random (0): the scopes ({@code bind:udp:PORT}, {@code bind:udp:*}), another
     * tenant's reservation of that port ({@code udp:PORT}) and the endpoint quota.
     */
    public Future<Void> checkUdpPort(Principal principal, int port) {
        if (!Scopes.allowsPort(principal.scopes(), "udp", port)) {
            return refuse(ErrorCode.NOT_PERMITTED, "this authtoken's scopes " + principal.scopes() + " do not allow "
                    + (port == 0 ? "a random UDP port" : "UDP port " + port));
        }
        if (port == 0) {
            return checkQuota(principal, EndpointProtocol.UDP, null);
        }
        return store.portOwner(Reservation.Kind.UDP_PORT, port).compose(owner -> owner != null && !owner.equals(principal.tenantId())
                ? refuse(ErrorCode.PORT_RESERVED, "UDP port " + port + " is reserved by another account")
                : checkQuota(principal, EndpointProtocol.UDP, EndpointRecord.keyOf(EndpointProtocol.UDP, null, port)));
    }

    /** Whether a TCP port may be handed out at random: nobody reserved it. */
    public Future<Boolean> isPortUnreserved(int port) {
        return isPortUnreserved(Reservation.Kind.TCP_PORT, port);
    }

    /** Whether a port of {@code kind} (TCP_PORT or UDP_PORT) may be handed out at random: nobody reserved it. */
    public Future<Boolean> isPortUnreserved(Reservation.Kind kind, int port) {
        return store.portOwner(kind, port).map(owner -> owner == null);
    }

    /**
     * Checks the quota again once {@code endpoint} is in the registry. The check before the bind and the bind are not
     * one step, so parallel binds can all pass it; counting after the bind (everything the account holds but this
     * endpoint) catches them, and the caller unbinds. Parallel binds over the limit may then all be refused: never
     * more than the quota, at worst fewer for a moment.
     */
    public Future<Void> recheckQuota(Principal principal, dev.burrow.edge.registry.Endpoint endpoint) {
        return checkQuota(principal, endpoint.protocol(), endpoint.key());
    }

    private Future<Void> checkQuota(Principal principal, EndpointProtocol protocol, String key) {
        Quotas quotas = principal.quotas();
        if (quotas.maxEndpoints() == 0 && (protocol != EndpointProtocol.TCP || quotas.maxTcpPorts() == 0)) {
            return Future.succeededFuture();
        }
        return counter.count(principal.endpointOwnerKey(), null, key).compose(all -> {
            if (!Quotas.allows(quotas.maxEndpoints(), all)) {
                return refuse(ErrorCode.ENDPOINT_QUOTA_EXCEEDED, "this account already has " + all
                        + " endpoint(s), its limit; unbind one or ask for a higher quota");
            }
            if (protocol != EndpointProtocol.TCP || quotas.maxTcpPorts() == 0) {
                return Future.succeededFuture();
            }
            return counter.count(principal.endpointOwnerKey(), EndpointProtocol.TCP, key).compose(tcp ->
                    Quotas.allows(quotas.maxTcpPorts(), tcp) ? Future.<Void>succeededFuture()
                            : refuse(ErrorCode.TCP_PORT_QUOTA_EXCEEDED, "this account already has " + tcp
                            + " TCP endpoint(s), its limit; unbind one or ask for a higher quota"));
        });
    }

    private static <T> Future<T> refuse(ErrorCode code, String message) {
        return Future.failedFuture(new EndpointException(code, message));
    }
}
