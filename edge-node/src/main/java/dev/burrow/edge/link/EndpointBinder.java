package dev.burrow.edge.link;

import dev.burrow.edge.chain.EndpointPolicies;
import dev.burrow.policy.InternalUrl;
import dev.burrow.policy.PolicyException;
import dev.burrow.protocol.EndpointSettings;
import dev.burrow.protocol.RevocationLists;

import dev.burrow.edge.config.PortRange;
import dev.burrow.edge.registry.Endpoint;
import dev.burrow.edge.registry.EndpointClaim;
import dev.burrow.edge.registry.EndpointException;
import dev.burrow.edge.registry.EndpointProtocol;
import dev.burrow.edge.registry.EndpointRegistry;
import dev.burrow.edge.registry.PublicUrls;
import dev.burrow.edge.registry.EndpointState;
import dev.burrow.edge.registry.Hostnames;
import dev.burrow.edge.tenancy.BindPolicy;
import dev.burrow.edge.tenancy.Principal;
import dev.burrow.edge.tenancy.Reservation;
import dev.burrow.protocol.ControlMessage;
import dev.burrow.protocol.ErrorCode;
import io.vertx.core.Future;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.IntSupplier;

/**
 * Turns a {@link ControlMessage.Bind} into a registered endpoint and its public URL: picks or checks the hostname
 * (HTTP, HTTPS, TLS) or port (TCP, UDP), claims it in the registry and, for TCP, opens the port. Refusals come back as a
 * {@link ControlMessage.BindResult} with a stable code and a sentence.
 */
public final class EndpointBinder {
    static final int RANDOM_NAME_ATTEMPTS = 10;
    static final int PORT_ATTEMPTS = 64;

    private EndpointPolicies policies = new EndpointPolicies((document, source) -> {
        throw new PolicyException(source, 0, 0, "this edge node applies no traffic policies");
    });
    private final EndpointRegistry registry;
    private final PortListeners portListeners;
    private final String domain;
    private final PortRange tcpPorts;
    private final IntSupplier publicHttpPort;
    private volatile java.util.function.IntFunction<String> tenantElsewhere = port -> null;
    private final BindPolicy policy;
    private volatile PortRange udpPorts;
    private volatile PortListeners udpListeners;
    private volatile IntSupplier publicHttpsPort = () -> 443;
    private volatile java.util.function.Function<Endpoint, Future<Void>> beforeAnswer = endpoint -> Future.succeededFuture();

    /**
     * @param publicHttpPort the port of the public HTTP listener (read when building URLs; 80 is left out of them)
     * @param policy         what each tenant may bind (reservations, scopes, quotas)
     */
    public EndpointBinder(EndpointRegistry registry, PortListeners portListeners, String domain, PortRange tcpPorts,
                          IntSupplier publicHttpPort, BindPolicy policy) {
        this.policy = policy;
        this.registry = registry;
        this.portListeners = portListeners;
        this.domain = domain;
        this.tcpPorts = tcpPorts;
        this.publicHttpPort = publicHttpPort;
    }

    /** Binds for the session; the future always succeeds, with ok or a refusal. */
    public Future<ControlMessage.BindResult> bind(String sessionId, Principal principal, long linkEpoch, ControlMessage.Bind bind) {
        EndpointSettings settings = bind.settings();
        return checkRevocationLists(settings)
                .compose(ok -> policies.checkOffLoop(settings.trafficPolicy(), EndpointProtocol.fromWire(bind.proto()), settings))
                .transform(checked -> checked.succeeded() ? bindChecked(sessionId, principal, linkEpoch, bind, settings)
                        : Future.succeededFuture(new ControlMessage.BindResult(bind.requestId(), false, null, null,
                        refusalCode(checked.cause()), checked.cause().getMessage())));
    }

    private static ErrorCode refusalCode(Throwable cause) {
        return cause instanceof PolicyException ? ErrorCode.INVALID_TRAFFIC_POLICY
                : cause instanceof EndpointException e ? e.code() : ErrorCode.INTERNAL_ERROR;
    }

    /**
     * The bind's {@code mutual_tls_crls}, read and checked against its {@code mutual_tls_cas} now (the agent checked them
     * too; an SDK's bind may not have), on a worker thread when called on a Vert.x context (a CRL may be large).
     */
    private static Future<Void> checkRevocationLists(EndpointSettings settings) {
        if (settings.mutualTlsCrls() == null) {
            return Future.succeededFuture();
        }
        java.util.concurrent.Callable<Void> check = () -> {
            String problem = RevocationLists.problem(settings.mutualTlsCrls(), settings.mutualTlsCas(), java.time.Instant.now());
            if (problem != null) {
                throw new EndpointException(ErrorCode.INVALID_MUTUAL_TLS, "mutual_tls_crls: " + problem);
            }
            return null;
        };
        io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
        if (context != null) {
            return context.executeBlocking(check, false);
        }
        try {
            return Future.succeededFuture(check.call());
        } catch (Exception e) {
            return Future.failedFuture(e);
        }
    }

    private Future<ControlMessage.BindResult> bindChecked(String sessionId, Principal principal, long linkEpoch,
                                                          ControlMessage.Bind bind, EndpointSettings settings) {
        String ownerKey = principal.endpointOwnerKey();
        EndpointProtocol protocol = EndpointProtocol.fromWire(bind.proto());
        Future<Endpoint> bound;
        if (protocol != null && protocol.hasHostname()) {
            bound = bindHostname(protocol, sessionId, principal, linkEpoch, bind, settings);
        } else if (protocol == EndpointProtocol.TCP) {
            bound = bindTcp(sessionId, principal, linkEpoch, bind.port(), settings);
        } else if (protocol == EndpointProtocol.UDP && udpListeners != null) {
            bound = bindUdp(sessionId, principal, linkEpoch, bind.port(), settings);
        } else {
            bound = Future.failedFuture(new EndpointException(ErrorCode.UNSUPPORTED_PROTOCOL,
                    "protocol \"" + bind.proto() + "\" is not supported; use http, https, tls, tcp" + (udpListeners != null ? " or udp" : "")));
        }
        return bound.compose(endpoint -> policy.recheckQuota(principal, endpoint).map(endpoint).recover(over ->
                        unbind(sessionId, endpoint.id()).transform(ignored -> Future.<Endpoint>failedFuture(over))))
                .compose(endpoint -> policies.checkServerCertificate(endpoint).map(endpoint).recover(bad ->
                        unbind(sessionId, endpoint.id()).transform(ignored -> Future.<Endpoint>failedFuture(
                                new EndpointException(ErrorCode.INVALID_TRAFFIC_POLICY, bad.getMessage())))))
                .compose(endpoint -> endpoint.protocol().hasHostname()
                        ? beforeAnswer.apply(endpoint).otherwiseEmpty().map(endpoint) : Future.succeededFuture(endpoint))
                .map(endpoint -> new ControlMessage.BindResult(bind.requestId(), true, endpoint.id(), publicUrl(endpoint), null, null))
                .recover(error -> {
                    ErrorCode code = error instanceof EndpointException e ? e.code() : ErrorCode.INTERNAL_ERROR;
                    return Future.succeededFuture(new ControlMessage.BindResult(bind.requestId(), false, null, null, code,
                            error.getMessage()));
                });
    }

    /** Serves UDP endpoints: ports from {@code range}, each opened on {@code listeners}. Without it, udp is refused. */
    public EndpointBinder udp(PortRange range, PortListeners listeners) {
        this.udpPorts = range;
        this.udpListeners = listeners;
        return this;
    }

    /** Compiles each bind's traffic policy before anything is claimed; without it, every document is taken as is. */
    public EndpointBinder policies(EndpointPolicies endpointPolicies) {
        this.policies = endpointPolicies;
        return this;
    }

    /** The port of the public HTTPS listener, read when building https:// and tls:// URLs (443 is left out of them). */
    public EndpointBinder httpsPort(IntSupplier port) {
        this.publicHttpsPort = port;
        return this;
    }

    /**
     * Work done for each bound endpoint before its bind is answered (the HTTPS listener's certificate for its name);
     * its failure is logged by the caller's future and does not refuse the bind.
     */
    public EndpointBinder beforeAnswer(java.util.function.Function<Endpoint, Future<Void>> work) {
        this.beforeAnswer = work;
        return this;
    }

    /**
     * The tenant another region serves a TCP port for, or null: a random TCP port never takes such a port, and an
     * explicit one is refused to another tenant.
     */
    public void otherRegions(java.util.function.IntFunction<String> tenantServingElsewhere) {
        this.tenantElsewhere = tenantServingElsewhere;
    }

    /** Replaces the traffic policy of an endpoint the session serves; always succeeds, with ok or a refusal. */
    public Future<ControlMessage.UpdatePolicyResult> updatePolicy(io.vertx.core.Vertx vertx, String sessionId,
                                                                  ControlMessage.UpdatePolicy update) {
        return new PolicyUpdater(vertx, registry, policies).update(sessionId, update);
    }

    /** Removes an endpoint of the session and closes its port when it is a TCP endpoint. */
    public Future<Endpoint> unbind(String sessionId, String endpointId) {
        return registry.unbind(endpointId, sessionId).compose(endpoint -> endpoint.protocol().hasPort()
                && endpoint.state() == EndpointState.OFFLINE
                ? listenersOf(endpoint.protocol()).close(endpoint.id()).map(endpoint) : Future.succeededFuture(endpoint));
    }

    private PortListeners listenersOf(EndpointProtocol protocol) {
        return protocol == EndpointProtocol.UDP ? udpListeners : portListeners;
    }

    /** The URL the public reaches an endpoint at. */
    public String publicUrl(Endpoint endpoint) {
        return new PublicUrls(domain, publicHttpPort, publicHttpsPort).of(endpoint);
    }

    private Future<Endpoint> bindHostname(EndpointProtocol protocol, String sessionId, Principal principal, long linkEpoch,
                                          ControlMessage.Bind bind, EndpointSettings settings) {
        String ownerKey = principal.endpointOwnerKey();
        if (bind.hostname() != null && !bind.hostname().isBlank()) {
            String hostname = Hostnames.normalize(bind.hostname());
            if (protocol == EndpointProtocol.TLS && InternalUrl.isInternalHostname(hostname)) {
                return Future.failedFuture(new EndpointException(ErrorCode.INVALID_HOSTNAME, "hostname " + hostname
                        + " is internal: only HTTP endpoints can be internal (reached through forward-internal)"));
            }
            if (hostname == null) {
                return Future.failedFuture(new EndpointException(ErrorCode.INVALID_HOSTNAME, "hostname \"" + bind.hostname()
                        + "\" is empty; use NAME." + domain));
            }
            return policy.checkHostname(principal, hostname, bind.hostname()).compose(ok ->
                    registry.bind(EndpointClaim.hostname(protocol, hostname, sessionId, ownerKey, linkEpoch).withSettings(settings)));
        }
        if (bind.subdomain() != null && !bind.subdomain().isBlank()) {
            String label = Hostnames.normalize(bind.subdomain());
            if (!Hostnames.isValidLabel(label)) {
                return Future.failedFuture(new EndpointException(ErrorCode.INVALID_HOSTNAME, "subdomain \"" + bind.subdomain()
                        + "\" is not valid; use letters, digits and inner '-', at most 63 characters"));
            }
            String hostname = label + "." + domain;
            return policy.checkHostname(principal, hostname, bind.subdomain()).compose(ok ->
                    registry.bind(EndpointClaim.hostname(protocol, hostname, sessionId, ownerKey, linkEpoch).withSettings(settings)));
        }
        return policy.checkRandomHostname(principal, Hostnames.randomName() + "." + domain)
                .compose(ok -> bindRandomName(protocol, sessionId, ownerKey, linkEpoch, settings, RANDOM_NAME_ATTEMPTS));
    }

    private Future<Endpoint> bindRandomName(EndpointProtocol protocol, String sessionId, String ownerKey, long linkEpoch,
                                            EndpointSettings settings, int attemptsLeft) {
        String hostname = Hostnames.randomName() + "." + domain;
        // A generated name never lands on a held one (a reservation, a wildcard, a custom domain), whoever holds it.
        return policy.isUnheld(hostname).compose(unheld -> unheld
                ? registry.bind(EndpointClaim.hostname(protocol, hostname, sessionId, ownerKey, linkEpoch).withSettings(settings))
                : Future.failedFuture(new EndpointException(ErrorCode.HOSTNAME_IN_USE, "generated name " + hostname + " is reserved")))
                .recover(error -> {
                    if (attemptsLeft > 1 && error instanceof EndpointException e && e.code() == ErrorCode.HOSTNAME_IN_USE) {
                        return bindRandomName(protocol, sessionId, ownerKey, linkEpoch, settings, attemptsLeft - 1);
                    }
                    return Future.failedFuture(error);
                });
    }

    private Future<Endpoint> bindTcp(String sessionId, Principal principal, long linkEpoch, int port, EndpointSettings settings) {
        String ownerKey = principal.endpointOwnerKey();
        if (port != 0) {
            if (!tcpPorts.contains(port)) {
                return Future.failedFuture(new EndpointException(ErrorCode.PORT_UNAVAILABLE, "TCP port " + port
                        + " is outside this edge's TCP port range " + tcpPorts + "; ask for a port in it or for any port (0)"));
            }
            String elsewhere = tenantElsewhere.apply(port);
            if (elsewhere != null && !elsewhere.equals(principal.tenantId())) {
                return Future.failedFuture(new EndpointException(ErrorCode.PORT_UNAVAILABLE, "TCP port " + port
                        + " is served in another region for another account; ask for another port or for any port (0)"));
            }
            return policy.checkPort(principal, port)
                    .compose(ok -> claimAndListen(port, sessionId, ownerKey, linkEpoch, settings));
        }
        int start = tcpPorts.low() + ThreadLocalRandom.current().nextInt(tcpPorts.size());
        // A random port is always a free one (never joined), but it keeps the pooling asked for, so that another agent
        // of the same owner can join it by its number (the replicas of the Kubernetes controller do).
        return policy.checkRandomPort(principal).compose(ok -> tryPort(start, 0, sessionId, ownerKey, linkEpoch, settings));
    }

    private Future<Endpoint> bindUdp(String sessionId, Principal principal, long linkEpoch, int port, EndpointSettings settings) {
        PortRange range = udpPorts;
        if (port != 0 && !range.contains(port)) {
            return Future.failedFuture(new EndpointException(ErrorCode.PORT_UNAVAILABLE, "UDP port " + port
                    + " is outside this edge's UDP port range " + range + "; ask for a port in it or for any port (0)"));
        }
        String ownerKey = principal.endpointOwnerKey();
        if (port != 0) {
            return policy.checkUdpPort(principal, port).compose(ok -> registry.bind(
                    EndpointClaim.port(EndpointProtocol.UDP, port, sessionId, ownerKey, linkEpoch).withSettings(settings))
                    .compose(endpoint -> openOrUnbind(udpListeners, endpoint, sessionId)));
        }
        int start = range.low() + ThreadLocalRandom.current().nextInt(range.size());
        return policy.checkUdpPort(principal, 0).compose(ok -> tryUdpPort(range, start, 0, sessionId, ownerKey, linkEpoch, settings));
    }

    private Future<Endpoint> tryUdpPort(PortRange range, int start, int attempt, String sessionId, String ownerKey, long linkEpoch,
                                        EndpointSettings settings) {
        if (attempt >= Math.min(PORT_ATTEMPTS, range.size())) {
            return Future.failedFuture(new EndpointException(ErrorCode.PORT_UNAVAILABLE,
                    "no free UDP port in this edge's range " + range + " (tried " + attempt + ")"));
        }
        int port = range.low() + Math.floorMod(start - range.low() + attempt, range.size());
        // A random port never lands on a reserved one, whoever reserved it (as for TCP).
        return registry.lookupPort(EndpointProtocol.UDP, port).compose(existing -> existing != null
                ? Future.succeededFuture(false) : policy.isPortUnreserved(Reservation.Kind.UDP_PORT, port)).compose(free -> !free
                ? tryUdpPort(range, start, attempt + 1, sessionId, ownerKey, linkEpoch, settings)
                : registry.bind(EndpointClaim.port(EndpointProtocol.UDP, port, sessionId, ownerKey, linkEpoch).withSettings(settings.withPooling(false)))
                .compose(endpoint -> openOrUnbind(udpListeners, endpoint, sessionId))
                .recover(error -> tryUdpPort(range, start, attempt + 1, sessionId, ownerKey, linkEpoch, settings)));
    }

    private Future<Endpoint> openOrUnbind(PortListeners listeners, Endpoint endpoint, String sessionId) {
        return listeners.open(endpoint).map(endpoint).recover(error ->
                registry.unbind(endpoint.id(), sessionId).transform(ignored -> Future.failedFuture(error)));
    }

    private Future<Endpoint> tryPort(int start, int attempt, String sessionId, String ownerKey, long linkEpoch, EndpointSettings settings) {
        if (attempt >= Math.min(PORT_ATTEMPTS, tcpPorts.size())) {
            return Future.failedFuture(new EndpointException(ErrorCode.PORT_UNAVAILABLE,
                    "no free TCP port in this edge's range " + tcpPorts + " (tried " + attempt + ")"));
        }
        int port = tcpPorts.low() + Math.floorMod(start - tcpPorts.low() + attempt, tcpPorts.size());
        return registry.lookupPort(port).compose(existing -> existing != null || tenantElsewhere.apply(port) != null
                ? Future.succeededFuture(false) : policy.isPortUnreserved(port)).compose(free -> !free
                ? tryPort(start, attempt + 1, sessionId, ownerKey, linkEpoch, settings)
                : claimAndListen(port, sessionId, ownerKey, linkEpoch, settings).recover(error -> tryPort(start, attempt + 1, sessionId, ownerKey, linkEpoch, settings)));
    }

    private Future<Endpoint> claimAndListen(int port, String sessionId, String ownerKey, long linkEpoch, EndpointSettings settings) {
        return registry.bind(EndpointClaim.tcp(port, sessionId, ownerKey, linkEpoch).withSettings(settings))
                .compose(endpoint -> openOrUnbind(portListeners, endpoint, sessionId));
    }
}
