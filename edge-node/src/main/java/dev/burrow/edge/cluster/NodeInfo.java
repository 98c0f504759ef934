package dev.burrow.edge.cluster;

import java.io.Serializable;

/**
 * What the other nodes need to know about a node (value of the nodes map, keyed by member UUID).
 *
 * @param member           Hazelcast member UUID
 * @param nodeId           the node's {@code --node-id}
 * @param advertiseAddress where other nodes reach it (its relay link)
 * @param tunnelPort       its agent link port
 * @param relayPort        its relay link port
 * @param agentAddress     {@code host:port} agents are told to dial for its agent link: {@code --agent-advertise-address},
 *                         else {@code advertiseAddress:tunnelPort}
 */
public record NodeInfo(String member, String nodeId, String advertiseAddress, int tunnelPort, int relayPort,
                       String agentAddress) implements Serializable {

    public NodeInfo {
        if (agentAddress == null) {
            agentAddress = dev.burrow.edge.config.HostPort.format(advertiseAddress, tunnelPort);
        }
    }

    public NodeInfo(String member, String nodeId, String advertiseAddress, int tunnelPort, int relayPort) {
        this(member, nodeId, advertiseAddress, tunnelPort, relayPort, null);
    }
}
