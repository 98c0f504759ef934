package dev.burrow.edge.registry;

import java.io.Serializable;

/**
 * One agent link that serves an endpoint: which node holds it, for which session, and the link's epoch (a number
 * the node gives each link it attaches, increasing). A node only removes links of its own with an epoch at most the
 * one it names, so the late cleanup of an old link never removes the link that replaced it.
 *
 * @param node      the Hazelcast member UUID of the node that holds the link
 * @param nodeName  the node's {@code --node-id}, for logs and diagnostics
 * @param sessionId the agent session the link carries
 * @param epoch     the link's epoch on that node
 */
public record LinkRef(String node, String nodeName, String sessionId, long epoch) implements Serializable {
}
