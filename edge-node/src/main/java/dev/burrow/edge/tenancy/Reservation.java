package dev.burrow.edge.tenancy;

import java.io.Serializable;

/**
 * A name only one tenant's tokens may bind. The map key is {@link #key()}: {@code h:HOST} for a hostname,
 * {@code w:SUFFIX} for a wildcard {@code *.SUFFIX} (every name that ends in {@code .SUFFIX}, on a label boundary),
 * {@code p:PORT} for a TCP port, {@code d:HOST} for a custom domain's ownership.
 */
public record Reservation(Kind kind, String value, String tenantId, long createdAt) implements Serializable {
    public enum Kind {
        HOSTNAME("h:"), WILDCARD("w:"), TCP_PORT("p:");

        private final String prefix;

        Kind(String prefix) {
            this.prefix = prefix;
        }

        public String prefix() {
            return prefix;
        }
    }

    public String key() {
        return kind.prefix() + value;
    }

    /** How a user writes it: {@code app.example.com}, {@code *.acme.example.com} or {@code tcp:20022}. */
    public String display() {
        return switch (kind) {
            case HOSTNAME -> value;
            case WILDCARD -> "*." + value;
            case TCP_PORT -> "tcp:" + value;
        };
    }
}
