package dev.burrow.edge.http;

import dev.burrow.protocol.ClientCertificates;
import io.vertx.core.http.HttpServerRequest;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * An endpoint that requires client certificates is served only on connections whose handshake verified one (the
 * front door sends its SNI to the HTTPS server that requires one). A request that reaches it otherwise, on a
 * connection without SNI or opened for another name by a client that names this one in Host only, gets 403. Under
 * {@code request} a connection without a certificate is served, as its handshake would have been.
 */
final class ClientCertificateRequirement {
    private ClientCertificateRequirement() {
    }

    static ListenerRules.Refusal check(HttpServerRequest request, String host, ClientCertificates asked) {
        if (asked == null || !asked.required() || verifiedClient(request.connection().sslSession())) {
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
