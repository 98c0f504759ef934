package dev.burrow.edge.http;

import dev.burrow.policy.TlsTermination;
import io.vertx.core.http.HttpServerRequest;

import javax.net.ssl.SSLSession;

/**
 * An endpoint whose terminate-tls narrows the TLS versions is served only on connections of those versions (the front
 * door sends its SNI to a server that accepts no other). A request that reaches it otherwise, on a connection without
 * SNI or opened for another name, gets 421, as a request misdirected by its SNI does.
 */
final class TlsVersionRequirement {
    private TlsVersionRequirement() {
    }

    /** Whether the endpoint's terminate-tls serves fewer versions than the edge's default (then HTTPS only). */
    static boolean narrowed(TlsTermination termination) {
        return termination != null && termination.versions() != TlsTermination.TlsVersions.TLS_1_2_AND_1_3;
    }

    static ListenerRules.Refusal check(HttpServerRequest request, String host, TlsTermination termination) {
        if (!narrowed(termination)) {
            return null;
        }
        SSLSession session = request.connection().sslSession();
        String version = session == null ? "no TLS" : session.getProtocol();
        if (termination.versions().protocols().contains(version)) {
            return null;
        }
        return new ListenerRules.Refusal(421, "Misdirected request", "Tunnel " + host + " is served over "
                + String.join(" and ", termination.versions().protocols().stream().sorted().toList()) + " only, and this "
                + "connection is " + version + "; open a connection naming " + host + " in the SNI", null);
    }
}
