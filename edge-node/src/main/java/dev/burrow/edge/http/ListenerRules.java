package dev.burrow.edge.http;

import dev.burrow.edge.chain.EndpointTls;
import dev.burrow.edge.registry.Endpoint;
import dev.burrow.policy.TlsTermination;
import dev.burrow.protocol.ClientCertificates;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

import java.util.function.IntSupplier;

/**
 * What a public listener answers itself, by how the request came in, before anything is relayed: the TLS listener's
 * 421 for a Host that disagrees with the connection's SNI ({@link MisdirectedRequest}), the scheme rules of
 * {@link SchemeRedirect} (308 to https, 404 for a TLS endpoint's name), and an endpoint's own handshake rules reached
 * around its handshake ({@link TlsVersionRequirement}, {@link ClientCertificateRequirement}).
 */
final class ListenerRules {
    /** An answer in place of the exchange; {@code location} (or null) goes in a Location header. */
    record Refusal(int status, String title, String sentence, String location) {
        void addHeaders(HttpServerResponse response) {
            if (location != null) {
                response.putHeader("Location", location);
            }
        }
    }

    private final boolean tls;
    private final SchemeRedirect scheme;

    private ListenerRules(boolean tls, IntSupplier httpsPort) {
        this.tls = tls;
        this.scheme = new SchemeRedirect(httpsPort);
    }

    /** The rules of the plain HTTP listener; redirects name {@code httpsPort}. */
    static ListenerRules plain(IntSupplier httpsPort) {
        return new ListenerRules(false, httpsPort);
    }

    /** The rules of the HTTPS listener. */
    static ListenerRules tls() {
        return new ListenerRules(true, () -> 443);
    }

    /**
     * The answer for a request for {@code host} (normalized) served by {@code endpoint} (null: none), whose handshake is
     * terminated as {@code endpointTls} says, or null to go on.
     */
    Refusal check(HttpServerRequest request, String host, Endpoint endpoint, EndpointTls endpointTls) {
        Refusal misdirected = tls ? MisdirectedRequest.check(request, host) : null;
        if (misdirected != null || endpoint == null) {
            return misdirected;
        }
        ClientCertificates clientCertificates = endpointTls.clientCertificates(endpoint);
        TlsTermination termination = endpointTls.termination(endpoint);
        Refusal byScheme = scheme.check(host, request.uri(), endpoint, tls,
                clientCertificates != null || TlsVersionRequirement.narrowed(termination));
        if (byScheme != null || !tls) {
            return byScheme;
        }
        Refusal byVersion = TlsVersionRequirement.check(request, host, termination);
        return byVersion != null ? byVersion : ClientCertificateRequirement.check(request, host, clientCertificates);
    }
}
