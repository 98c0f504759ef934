package dev.burrow.edge.chain;

import dev.burrow.edge.pki.PolicyServerCertificate;
import dev.burrow.edge.registry.Endpoint;
import dev.burrow.edge.registry.EndpointProtocol;
import dev.burrow.edge.registry.EndpointRecord;
import dev.burrow.policy.PolicyException;
import dev.burrow.policy.TlsTermination;
import dev.burrow.policy.TrafficPolicy;
import dev.burrow.protocol.ClientCertificates;
import dev.burrow.protocol.EndpointSettings;
import dev.burrow.protocol.RevocationLists;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The compiled traffic policy of every endpoint this node serves, compiled once when the node learns the endpoint (a
 * bind here, a registry record of another node, an answer of another region) and kept until the endpoint goes or its
 * document changes. An endpoint without a policy is not kept at all: {@link #of} answers {@link TrafficPolicy#none()}
 * without a lookup. A document another node accepted but this one cannot compile is never skipped: the endpoint
 * refuses its traffic ({@link RefusingPolicy}) until the nodes agree. A policy replaced, or whose endpoint goes, is
 * closed ({@link TrafficPolicy#close()}: the login actions' provider clients).
 */
public final class EndpointPolicies {
    /** How a bind's document is named in compile errors: the agent prefixes its own file name where it has one. */
    public static final String SOURCE = "traffic_policy";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EndpointPolicies.class);

    private final PolicySource compiler;
    private final Map<String, Compiled> byEndpoint = new ConcurrentHashMap<>();
    private final PolicyChangeWaiters changeWaiters = new PolicyChangeWaiters();

    private record Compiled(String document, TrafficPolicy policy) {
    }

    public EndpointPolicies(PolicySource compiler) {
        this.compiler = compiler;
    }

    /** Bind time: compiles {@code document} so that a bad one is refused before anything is claimed. */
    public void check(String document) throws PolicyException {
        if (document != null) {
            compiler.compile(document, SOURCE).close();
        }
    }

    /**
     * As {@link #check}, on a worker thread when called on a Vert.x context (compiling type-checks every CEL expression
     * and takes milliseconds, the first compile in a JVM seconds: too long for an event loop), and also refusing a
     * {@code terminate-tls} the endpoint cannot honour ({@link #tlsTerminationProblem}). Fails with the
     * {@link PolicyException} of a bad document.
     */
    public Future<Void> checkOffLoop(String document, EndpointProtocol protocol, EndpointSettings settings) {
        return checkOffLoop(document, protocol, settings, null);
    }

    /**
     * As {@link #checkOffLoop(String, EndpointProtocol, EndpointSettings)}, and when {@code hostname} is known (not
     * null), also refusing a terminate-tls server certificate that cannot serve it now ({@link #checkServerCertificate}).
     */
    public Future<Void> checkOffLoop(String document, EndpointProtocol protocol, EndpointSettings settings, String hostname) {
        if (document == null) {
            return Future.succeededFuture();
        }
        return offLoop(() -> checkFor(document, protocol, settings, hostname));
    }

    /**
     * Refuses the endpoint's terminate-tls server certificate when it cannot serve the endpoint's name now (expired, not
     * yet valid, or naming other hosts), on a worker thread; succeeds when it can or there is none. A bind calls this
     * once its name is known (a random name is only known then), and unbinds on a refusal.
     */
    public Future<Void> checkServerCertificate(Endpoint endpoint) {
        String document = endpoint.settings().trafficPolicy();
        if (document == null || !document.contains("server_certificate")) {
            return Future.succeededFuture(); // most binds: no worker hop
        }
        return offLoop(() -> {
            TlsTermination termination = of(endpoint).tlsTermination();
            PolicyException problem = termination == null ? null : serverCertificateProblem(termination, endpoint.hostname());
            if (problem != null) {
                throw problem;
            }
        });
    }

    private interface Check {
        void run() throws PolicyException;
    }

    /** Compiling type-checks every CEL expression and takes milliseconds (the first in a JVM seconds): never on a loop. */
    private static Future<Void> offLoop(Check check) {
        Context context = Vertx.currentContext();
        if (context == null) {
            try {
                check.run();
                return Future.succeededFuture();
            } catch (PolicyException e) {
                return Future.failedFuture(e);
            }
        }
        return context.executeBlocking(() -> {
            check.run();
            return null;
        }, false);
    }

    private void checkFor(String document, EndpointProtocol protocol, EndpointSettings settings, String hostname)
            throws PolicyException {
        TrafficPolicy checked = compiler.compile(document, SOURCE);
        PolicyException problem;
        try {
            problem = tlsTerminationProblem(protocol, settings, checked);
            if (problem == null && checked.tlsTermination() != null) {
                problem = serverCertificateProblem(checked.tlsTermination(), hostname);
            }
            if (problem == null && checked.tlsTermination() != null) {
                problem = revocationListsProblem(checked.tlsTermination(), Instant.now());
            }
        } finally {
            checked.close();
        }
        if (problem != null) {
            throw problem;
        }
    }

    /**
     * Why the terminate-tls server certificate cannot be served: unreadable, a key that is not the certificate's, and
     * when {@code hostname} is known (not null), expired, not yet valid or not naming it; null when it can (or there is
     * none).
     */
    static PolicyException serverCertificateProblem(TlsTermination termination, String hostname) {
        if (termination.serverCertificate() == null) {
            return null;
        }
        try {
            PolicyServerCertificate certificate = PolicyServerCertificate.read(termination.serverCertificate());
            Instant now = Instant.now();
            String problem = hostname == null ? null : certificate.problem(hostname, now);
            if (problem == null && hostname != null && certificate.expiresSoon(now)) {
                LOG.warn("https: the terminate-tls certificate of {} expires at {}, in less than {} days; after that the edge "
                        + "serves its own certificate for {}", hostname, certificate.notAfter(),
                        PolicyServerCertificate.EXPIRY_WARNING.toDays(), hostname);
            }
            return problem == null ? null : termination.problem(problem);
        } catch (IOException e) {
            return termination.problem(e.getMessage());
        }
    }

    /**
     * Why the terminate-tls {@code mutual_tls_crls} cannot be applied now (past a nextUpdate), or null. The policy's
     * compile checked the rest, and checks no date: a CRL that expires while bound is still applied (docs/https.md).
     */
    static PolicyException revocationListsProblem(TlsTermination termination, Instant now) {
        ClientCertificates clients = termination.clientCertificates();
        if (clients == null || clients.revocationLists() == null) {
            return null;
        }
        String problem = RevocationLists.problem(clients.revocationLists(), clients.certificateAuthorities(), now);
        return problem == null ? null : termination.problem("mutual_tls_crls: " + problem);
    }

    /**
     * Why the policy's {@code terminate-tls} cannot apply to this endpoint, or null when it can: the edge terminates TLS
     * for HTTP(S) endpoints on its HTTPS port only (a TLS endpoint passes through to its agent), and an endpoint takes its
     * client CAs from one place, its bind ({@code --mutual-tls-cas}) or its policy.
     */
    static PolicyException tlsTerminationProblem(EndpointProtocol protocol, EndpointSettings settings, TrafficPolicy policy) {
        TlsTermination termination = policy.tlsTermination();
        if (termination == null) {
            return null;
        }
        if (protocol != EndpointProtocol.HTTP && protocol != EndpointProtocol.HTTPS) {
            return termination.problem("applies to https:// endpoints only: the edge does not terminate TLS for a "
                    + (protocol == null ? "this" : protocol.name().toLowerCase(java.util.Locale.ROOT)) + " endpoint"
                    + (protocol == EndpointProtocol.TLS ? " (it passes its TLS through; terminate at the agent with crt/key)" : ""));
        }
        if (termination.clientCertificates() != null && settings.hasMutualTls()) {
            return termination.problem("the endpoint already has mutual_tls_cas (--mutual-tls-cas); give the client "
                    + "certificate authorities in one place, the policy or the flag");
        }
        return null;
    }

    /** The endpoint policy's terminate-tls, or null; on event loops, allocation-free once compiled. */
    public TlsTermination tlsTermination(Endpoint endpoint) {
        return endpoint.settings().hasTrafficPolicy() ? of(endpoint).tlsTermination() : null;
    }

    /**
     * What the endpoint's TLS handshake asks of its visitors: its policy's terminate-tls when that asks for client
     * certificates, else its bind's {@code mutual_tls_cas}; null: nothing.
     */
    public ClientCertificates clientCertificates(Endpoint endpoint) {
        TlsTermination termination = tlsTermination(endpoint);
        return termination != null && termination.clientCertificates() != null ? termination.clientCertificates()
                : endpoint.settings().clientCertificates();
    }

    /** The endpoint's policy; on event loops, allocation-free once compiled. */
    public TrafficPolicy of(Endpoint endpoint) {
        String document = endpoint.settings().trafficPolicy();
        return document == null ? TrafficPolicy.none() : compiled(endpoint.id(), document);
    }

    /** The registry showed this node a new or changed record. */
    public void learned(EndpointRecord record) {
        if (record.settings().hasTrafficPolicy()) {
            compiled(record.id(), record.settings().trafficPolicy());
        } else {
            forget(record.id());
        }
        changeWaiters.seen(record.id(), record.settings().trafficPolicy());
    }

    /** Who waits for {@link #learned} to show an endpoint's new document. */
    public PolicyChangeWaiters changeWaiters() {
        return changeWaiters;
    }

    public void forget(String endpointId) {
        Compiled gone = byEndpoint.remove(endpointId);
        if (gone != null) {
            gone.policy().close();
        }
    }

    /** Endpoints with a compiled policy on this node (a gauge). */
    public int size() {
        return byEndpoint.size();
    }

    /** The endpoint's policy for {@code document}: the one kept when the document is the same, else compiled now. */
    private TrafficPolicy compiled(String endpointId, String document) {
        Compiled compiled = byEndpoint.get(endpointId);
        if (compiled != null && compiled.document().equals(document)) {
            return compiled.policy();
        }
        Compiled[] replaced = new Compiled[1];
        Compiled kept = byEndpoint.compute(endpointId, (id, current) -> {
            if (current != null && current.document().equals(document)) {
                return current; // another event loop compiled the same document first
            }
            replaced[0] = current;
            return new Compiled(document, CompiledOrRefusing.compile(compiler, document, SOURCE,
                    "the traffic policy of endpoint " + endpointId));
        });
        if (replaced[0] != null) {
            replaced[0].policy().close();
        }
        return kept.policy();
    }
}
