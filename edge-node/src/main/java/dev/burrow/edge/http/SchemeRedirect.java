package dev.burrow.edge.http;

import dev.burrow.edge.registry.Endpoint;
import dev.burrow.edge.registry.EndpointProtocol;

import java.util.function.IntSupplier;

/**
 * What a listener answers for an endpoint it does not serve that way: a plain-HTTP request for an https-only endpoint
 * gets a 308 to the same URL over https (method and body kept by the client); an HTTP request for a TLS endpoint's
 * name (TLS passes through to the agent untouched, so the edge holds no HTTP for it) gets 404 with a sentence.
 */
final class SchemeRedirect {
    private final IntSupplier httpsPort;

    /** @param httpsPort the public HTTPS port, read per redirect (443 is left out of the Location) */
    SchemeRedirect(IntSupplier httpsPort) {
        this.httpsPort = httpsPort;
    }

    /**
     * The answer for {@code endpoint} asked over plain HTTP ({@code tls} false) or HTTPS, or null to serve it; an
     * endpoint whose handshake asks for something (client certificates, TLS versions) is served over HTTPS only, as an
     * https:// one.
     */
    ListenerRules.Refusal check(String host, String uri, Endpoint endpoint, boolean tls, boolean handshakeRules) {
        if (endpoint.protocol() == EndpointProtocol.TLS) {
            return new ListenerRules.Refusal(404, "Tunnel " + host + " serves TLS", "Tunnel " + host
                    + " is a TLS endpoint: connect with TLS to the HTTPS port, naming " + host + " in the SNI", null);
        }
        if (tls || endpoint.protocol() != EndpointProtocol.HTTPS && !handshakeRules) {
            return null;
        }
        int port = httpsPort.getAsInt();
        String location = "https://" + host + (port == 443 ? "" : ":" + port) + uri;
        return new ListenerRules.Refusal(308, "Permanent redirect", "Tunnel " + host + " is served over HTTPS: " + location, location);
    }
}
