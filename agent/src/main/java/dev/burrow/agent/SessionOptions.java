package dev.burrow.agent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Validated settings of a {@link BurrowSession}; built by {@link SessionBuilder}.
 *
 * @param serverHost        the edge's host name (also checked against its certificate)
 * @param serverPort        the edge's agent-link port
 * @param authtoken         the secret presented to the edge; printed as HIDDEN
 * @param edgeCa            PEM file of the CA to trust for the edge, or {@code null} for the system trust store
 * @param heartbeatInterval ping interval, or {@code null} to use the edge's (or the protocol default)
 * @param initialBackoff    first reconnect delay bound; doubles per failed attempt
 * @param maxBackoff        largest reconnect delay bound
 * @param stablePeriod      a link up this long resets the backoff
 * @param connectTimeout    TCP connect and TLS handshake bound for the edge, and TCP connect bound for upstreams
 */
public record SessionOptions(String serverHost, int serverPort, String authtoken, Path edgeCa,
                             Duration heartbeatInterval, Duration initialBackoff, Duration maxBackoff,
                             Duration stablePeriod, Duration connectTimeout) {

    public SessionOptions {
        Objects.requireNonNull(serverHost, "serverHost");
        if (serverHost.isBlank()) {
            throw new IllegalArgumentException("the edge address has no host name");
        }
        if (serverPort < 1 || serverPort > 65535) {
            throw new IllegalArgumentException("the edge port " + serverPort + " is not between 1 and 65535");
        }
        if (authtoken == null || authtoken.isBlank()) {
            throw new IllegalArgumentException("no authtoken: pass one (the edge prints its dev authtoken at startup)");
        }
        if (heartbeatInterval != null && (heartbeatInterval.isNegative() || heartbeatInterval.isZero())) {
            throw new IllegalArgumentException("the heartbeat interval must be positive, not " + heartbeatInterval);
        }
        requirePositive(initialBackoff, "initial backoff");
        requirePositive(maxBackoff, "maximum backoff");
        requirePositive(connectTimeout, "connect timeout");
        Objects.requireNonNull(stablePeriod, "stablePeriod");
    }

    private static void requirePositive(Duration value, String what) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("the " + what + " must be positive, not " + value);
        }
    }

    /** "host:port" of the edge, as a user would type it. */
    public String serverAddress() {
        return (serverHost.contains(":") ? "[" + serverHost + "]" : serverHost) + ":" + serverPort;
    }

    @Override
    public String toString() {
        return "SessionOptions[server=" + serverAddress() + ", authtoken=HIDDEN, edgeCa=" + edgeCa
                + ", heartbeatInterval=" + heartbeatInterval + ", backoff=" + initialBackoff + ".." + maxBackoff
                + ", stablePeriod=" + stablePeriod + ", connectTimeout=" + connectTimeout + "]";
    }
}
