package dev.burrow.edge.tenancy;

import java.io.Serializable;

/**
 * A name only one tenant's tokens may bind. The map key is {@link #key()}: {@code h:HOST} for a hostname,
 * {@code w:SUFFIX} for a wildcard {@code *.SUFFIX} (every name that ends in {@code .SUFFIX}, on a label boundary),
 * {@code p:PORT} for a TCP port, {@code u:PORT} for a UDP port (TCP and UDP ports are separate spaces: reserving one
 * leaves the other free), {@code d:HOST} for a custom domain's ownership.
 */
public record Reservation(Kind kind, String value, String tenantId, long createdAt) implements Serializable {
    public enum Kind {
        HOSTNAME("h:"), WILDCARD("w:"), TCP_PORT("p:"), UDP_PORT("u:");

        private final String prefix;

        Kind(String prefix) {
            this.prefix = prefix;
        }

        public String prefix() {
            return prefix;
        }

        /** Whether it names a port rather than a hostname. */
        public boolean isPort() {
            return this == TCP_PORT || this == UDP_PORT;
        }

        /** The kind for a port of {@code protocol} ("tcp" or "udp"). */
        public static Kind port(String protocol) {
            return switch (protocol) {
                case "tcp" -> TCP_PORT;
                case "udp" -> UDP_PORT;
                default -> throw new IllegalArgumentException("no port reservations for " + protocol);
            };
        }
    }

    public String key() {
        return kind.prefix() + value;
    }

    /** How a user writes it: {@code app.example.com}, {@code *.acme.example.com}, {@code tcp:20022} or {@code udp:20053}. */
    public String display() {
        return switch (kind) {
            case HOSTNAME -> value;
            case WILDCARD -> "*." + value;
            case TCP_PORT -> "tcp:" + value;
            case UDP_PORT -> "udp:" + value;
        };
    }
}
