package dev.burrow.edge.http;

import dev.burrow.edge.registry.Endpoint;
import io.vertx.core.http.HttpServerRequest;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * An endpoint with mutual TLS is served only on connections whose handshake verified a client certificate (the
 * front door sends its SNI to the HTTPS server that requires one). A request that reaches it otherwise, on a
 * connection without SNI or opened for another name by a client that names this one in Host only, gets 403.
 */
final class ClientCertificateRequirement {
    private ClientCertificateRequirement() {
    }

    static ListenerRules.Refusal check(HttpServerRequest request, String host, Endpoint endpoint) {
        if (!endpoint.settings().hasMutualTls() || verifiedClient(request.connection().sslSession())) {
            return null;
        }
        return new ListenerRules.Refusal(403, "Client certificate required", "Tunnel " + host
                + " requires a client certificate: open a TLS connection naming " + host + " in the SNI and present it", null);
    }

    private static boolean verifiedClient(SSLSession session) {
        try {
            return session != null && session.getPeerCertificates().length > 0;
        } catch (SSLPeerUnverifiedException e) {
            return false;
        }
    }
}
