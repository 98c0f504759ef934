package dev.burrow.edge.http;

import io.vertx.core.http.HttpServerRequest;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLSession;
import javax.net.ssl.StandardConstants;
import java.util.Locale;

/**
 * A request on a TLS connection whose Host is not the name the connection's TLS handshake was for (its SNI) is
 * answered 421: a client that reuses one connection for several names (HTTP connection coalescing, or a crafted
 * Host) never reaches an endpoint the connection's certificate was not chosen for. A connection without SNI (an IP
 * address, an old client) is not checked.
 */
final class MisdirectedRequest {
    private MisdirectedRequest() {
    }

    /** The refusal for a request whose normalized {@code host} disagrees with its connection's SNI, or null. */
    static ListenerRules.Refusal check(HttpServerRequest request, String host) {
        String serverName = serverName(request.connection().sslSession());
        if (serverName == null || serverName.equals(host)) {
            return null;
        }
        return new ListenerRules.Refusal(421, "Misdirected request", "this connection was opened for " + serverName
                + ", not for " + host + "; open a new connection for " + host, null);
    }

    /** The lower-case SNI host name of a TLS session, or null (no TLS, or no SNI). */
    static String serverName(SSLSession session) {
        if (!(session instanceof ExtendedSSLSession extended)) {
            return null;
        }
        for (SNIServerName name : extended.getRequestedServerNames()) {
            if (name.getType() == StandardConstants.SNI_HOST_NAME) {
                String ascii = name instanceof SNIHostName host ? host.getAsciiName() : new SNIHostName(name.getEncoded()).getAsciiName();
                return ascii.toLowerCase(Locale.ROOT);
            }
        }
        return null;
    }
}
