package dev.burrow.edge.registry;

import dev.burrow.protocol.BindProtocols;

import java.util.Locale;

/**
 * What an endpoint serves (see {@link BindProtocols}): HTTP routed by Host on both public HTTP listeners, HTTPS routed
 * by Host on the HTTPS listener only, TLS routed by SNI without terminating, a raw TCP port, or a UDP port.
 */
public enum EndpointProtocol {
    HTTP, TCP, UDP, HTTPS, TLS;

    /** Whether endpoints of this protocol are addressed by a public port (each with a listener on every node). */
    public boolean hasPort() {
        return this == TCP || this == UDP;
    }

    /** Whether endpoints of this protocol are addressed by a hostname; they share one space of names. */
    public boolean hasHostname() {
        return !hasPort();
    }

    /** Whether the agent serves this endpoint's streams as HTTP exchanges. */
    public boolean carriesHttp() {
        return this == HTTP || this == HTTPS;
    }

    /** The wire spelling used in bind messages ("http", "tcp"). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the wire spelling; null when unknown. */
    public static EndpointProtocol fromWire(String proto) {
        if (proto == null) {
            return null;
        }
        return switch (proto.trim().toLowerCase(Locale.ROOT)) {
            case BindProtocols.HTTP -> HTTP;
            case BindProtocols.HTTPS -> HTTPS;
            case BindProtocols.TLS -> TLS;
            case BindProtocols.TCP -> TCP;
            case BindProtocols.UDP -> UDP;
            default -> null;
        };
    }
}
