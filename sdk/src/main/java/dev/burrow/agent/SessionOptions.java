package dev.burrow.agent;

import dev.burrow.agent.internal.HostPort;
import dev.burrow.protocol.ProtocolLimits;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * Validated settings of a {@link BurrowSession}; built by {@link SessionBuilder}.
 *
 * @param serverAddresses   the edge addresses ("host:port") for the first contact, tried in order; each host name is
 *                          also checked against that edge's certificate. Normalised, without duplicates.
 * @param authtoken         the secret presented to the edge; printed as HIDDEN
 * @param edgeCa            PEM file of the CA to trust for the edge, or {@code null} for the system trust store
 * @param heartbeatInterval ping interval, or {@code null} to use the edge's (or the protocol default)
 * @param heartbeatTolerance how long a link may stay silent before it is declared dead and replaced, or {@code null}
 *                          for {@link ProtocolLimits#HEARTBEAT_TOLERANCE} intervals; rounded up to whole intervals
 * @param initialBackoff    first reconnect delay bound; doubles per failed attempt
 * @param maxBackoff        largest reconnect delay bound
 * @param stablePeriod      a link up this long resets the backoff
 * @param connectTimeout    TCP connect and TLS handshake bound for the edge, and TCP connect bound for upstreams
 * @param links             how many links to distinct edge nodes the session keeps when the cluster has that many
 * @param localAddress      the local IP address the links dial from, or {@code null} for the system's choice (a host
 *                          with several addresses, or a load generator spreading its connections over source addresses)
 */
public record SessionOptions(List<String> serverAddresses, String authtoken, Path edgeCa,
                             Duration heartbeatInterval, Duration heartbeatTolerance, Duration initialBackoff, Duration maxBackoff,
                             Duration stablePeriod, Duration connectTimeout, int links, String localAddress) {
    /** More links than this buys nothing and costs a TLS session and a registry entry per endpoint each. */
    public static final int MAX_LINKS = 8;

    public SessionOptions {
        Objects.requireNonNull(serverAddresses, "serverAddresses");
        if (serverAddresses.isEmpty()) {
            throw new IllegalArgumentException("no edge address given (expected host:port)");
        }
        LinkedHashSet<String> normalised = new LinkedHashSet<>();
        for (String address : serverAddresses) {
            normalised.add(HostPort.parse(address, "edge address").toString());
        }
        serverAddresses = List.copyOf(normalised);
        if (authtoken == null || authtoken.isBlank()) {
            throw new IllegalArgumentException("no authtoken: pass one, or set BURROW_AUTHTOKEN (the edge prints its dev authtoken at startup)");
        }
        if (heartbeatInterval != null && (heartbeatInterval.isNegative() || heartbeatInterval.isZero())) {
            throw new IllegalArgumentException("the heartbeat interval must be positive, not " + heartbeatInterval);
        }
        if (heartbeatTolerance != null && (heartbeatTolerance.isNegative() || heartbeatTolerance.isZero())) {
            throw new IllegalArgumentException("the heartbeat tolerance must be positive, not " + heartbeatTolerance);
        }
        requirePositive(initialBackoff, "initial backoff");
        requirePositive(maxBackoff, "maximum backoff");
        requirePositive(connectTimeout, "connect timeout");
        Objects.requireNonNull(stablePeriod, "stablePeriod");
        if (links < 1 || links > MAX_LINKS) {
            throw new IllegalArgumentException("the number of links must be between 1 and " + MAX_LINKS + ", not " + links);
        }
    }

    private static void requirePositive(Duration value, String what) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("the " + what + " must be positive, not " + value);
        }
    }

    /** The first edge address's host name. */
    public String serverHost() {
        return HostPort.parse(serverAddress(), "edge address").host();
    }

    /** The first edge address's port. */
    public int serverPort() {
        return HostPort.parse(serverAddress(), "edge address").port();
    }

    /** "host:port" of the first edge address, as a user would type it. */
    public String serverAddress() {
        return serverAddresses.get(0);
    }

    /** The same settings with {@code address} as the only edge address (what one connector dials). */
    public SessionOptions forServer(String address) {
        return new SessionOptions(List.of(address), authtoken, edgeCa, heartbeatInterval, heartbeatTolerance, initialBackoff, maxBackoff,
                stablePeriod, connectTimeout, links, localAddress);
    }

    @Override
    public String toString() {
        return "SessionOptions[servers=" + String.join(",", serverAddresses) + ", authtoken=HIDDEN, edgeCa=" + edgeCa
                + ", heartbeatInterval=" + heartbeatInterval + ", heartbeatTolerance=" + heartbeatTolerance + ", backoff=" + initialBackoff + ".." + maxBackoff
                + ", stablePeriod=" + stablePeriod + ", connectTimeout=" + connectTimeout + ", links=" + links + (localAddress == null ? "" : ", localAddress=" + localAddress) + "]";
    }
}
