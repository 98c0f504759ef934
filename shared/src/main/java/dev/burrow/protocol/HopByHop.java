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

    /**
     * {@code TE: trailers}: the client accepts trailers. The tunnel carries trailers end to end (TRAILERS frames), so this
     * one hop-by-hop field is passed on; gRPC servers refuse a request without it.
     */
    public static boolean passesOn(String name, String value) {
        return name.equalsIgnoreCase("te") && value.trim().equalsIgnoreCase("trailers");
    }
}
