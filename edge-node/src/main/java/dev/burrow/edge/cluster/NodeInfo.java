package dev.burrow.edge.cluster;

import java.io.Serializable;

/**
 * What the other nodes need to know about a node (value of the nodes map, keyed by member UUID).
 *
 * @param member           Hazelcast member UUID
 * @param nodeId           the node's {@code --node-id}
 * @param advertiseAddress where other nodes and agents reach it
 * @param tunnelPort       its agent link port (agents are told {@code advertiseAddress:tunnelPort})
 * @param relayPort        its relay link port
 */
public record NodeInfo(String member, String nodeId, String advertiseAddress, int tunnelPort, int relayPort)
        implements Serializable {

    public String agentAddress() {
        return advertiseAddress + ":" + tunnelPort;
    }
}
