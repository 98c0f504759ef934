package dev.burrow.protocol;

/**
 * The {@code proto} values of a {@link ControlMessage.Bind}: what the public side of an endpoint speaks. They are
 * part of the wire format and never change meaning.
 * <ul>
 *   <li>{@link #HTTP}: a hostname served on the edge's HTTP and HTTPS listeners; the agent gets HTTP exchanges.</li>
 *   <li>{@link #HTTPS}: a hostname served on the HTTPS listener only (TLS ends at the edge); a plain-HTTP request for
 *       it is answered with a 308 redirect to its https:// URL. The agent gets HTTP exchanges.</li>
 *   <li>{@link #TLS}: a hostname routed by the SNI of the visitor's TLS ClientHello on the HTTPS listener, without
 *       terminating: the raw TLS bytes reach the agent (a byte pipe, as for TCP) and the visitor's TLS session ends
 *       at the upstream.</li>
 *   <li>{@link #TCP}, {@link #UDP}: a public port.</li>
 * </ul>
 */
public final class BindProtocols {
    public static final String HTTP = "http";
    public static final String HTTPS = "https";
    public static final String TLS = "tls";
    public static final String TCP = "tcp";
    public static final String UDP = "udp";

    private BindProtocols() {
    }

    /** Whether the protocol's endpoints are addressed by a hostname (http, https, tls) rather than a port. */
    public static boolean isHostnameAddressed(String proto) {
        return HTTP.equals(proto) || HTTPS.equals(proto) || TLS.equals(proto);
    }

    /** Whether the agent serves the endpoint's streams as HTTP exchanges (http, https) rather than byte pipes. */
    public static boolean carriesHttp(String proto) {
        return HTTP.equals(proto) || HTTPS.equals(proto);
    }
}
