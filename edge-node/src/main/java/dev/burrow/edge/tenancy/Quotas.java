package dev.burrow.edge.tenancy;

import java.io.Serializable;

/**
 * Limits of one tenant; 0 means unlimited.
 *
 * @param maxEndpoints            endpoints (HTTP and TCP) bound at once, cluster-wide
 * @param maxSessions             agent sessions with a live link at once, cluster-wide
 * @param maxRequestsPerSecond    HTTP requests per second per endpoint, on each node (beyond: 429)
 * @param maxTcpPorts             TCP endpoints bound at once, cluster-wide
 */
public record Quotas(int maxEndpoints, int maxSessions, int maxRequestsPerSecond, int maxTcpPorts) implements Serializable {
    public static final Quotas UNLIMITED = new Quotas(0, 0, 0, 0);

    public Quotas {
        if (maxEndpoints < 0 || maxSessions < 0 || maxRequestsPerSecond < 0 || maxTcpPorts < 0) {
            throw new IllegalArgumentException("quotas must be 0 (unlimited) or positive");
        }
    }

    /** Whether {@code used} more of a limit would stay within it. */
    public static boolean allows(int limit, long alreadyUsed) {
        return limit == 0 || alreadyUsed < limit;
    }
}
