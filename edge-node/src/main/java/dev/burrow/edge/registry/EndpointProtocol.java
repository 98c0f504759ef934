package dev.burrow.edge.registry;

import java.util.Locale;

/** What an endpoint serves: HTTP routed by Host, a raw TCP port, or a UDP port. */
public enum EndpointProtocol {
    HTTP, TCP, UDP;

    /** Whether endpoints of this protocol are addressed by a public port (each with a listener on every node). */
    public boolean hasPort() {
        return this != HTTP;
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
            case "http" -> HTTP;
            case "tcp" -> TCP;
            case "udp" -> UDP;
            default -> null;
        };
    }
}
