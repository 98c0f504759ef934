package dev.burrow.edge.registry;

import java.util.Locale;

/** What an endpoint serves: HTTP routed by Host, or a raw TCP port. */
public enum EndpointProtocol {
    HTTP, TCP;

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
            default -> null;
        };
    }
}
