package dev.burrow.edge.tenancy;

import java.io.Serializable;

/**
 * One agent session's link on one node, as the cluster lists it (admin API, session quota).
 *
 * @param node   the Hazelcast member UUID of the node holding the link (entries of a node that left are dropped)
 * @param nodeId that node's {@code --node-id}
 */
public record LiveSession(String sessionId, String tenantId, String tokenId, String node, String nodeId,
                          String remoteAddress, long since) implements Serializable {
    public String key() {
        return sessionId + "@" + node;
    }
}
