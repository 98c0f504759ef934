package dev.burrow.protocol;

import java.util.Set;

/**
 * The headers that describe one connection, not the message (RFC 9110 section 7.6.1): neither the edge nor the agent
 * relays them across the tunnel. One list for both sides.
 */
public final class HopByHop {
    /** Lower-case header names. */
    public static final Set<String> HEADERS = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade");

    private HopByHop() {
    }
}
