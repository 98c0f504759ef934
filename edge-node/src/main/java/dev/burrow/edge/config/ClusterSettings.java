package dev.burrow.edge.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How an edge node joins its cluster. A node with no {@code members} is a cluster of one (the registry is still a
 * Hazelcast map, held by that node alone).
 *
 * @param port             Hazelcast member port ({@code --cluster-port}, default 5701)
 * @param members          {@code host:port} of the other members to join over TCP/IP ({@code --cluster-members})
 * @param name             cluster name; members with another name never join ({@code --cluster-name})
 * @param advertiseAddress address the other nodes and agents reach this node at; null: the bind address, or
 *                         127.0.0.1 when that is the wildcard ({@code --advertise-address})
 * @param relayPort        node-to-node relay link port; 0 picks a free one, which peers learn from the cluster
 * @param nodeId           a name for this node in logs and metrics; null: generated
 * @param joinWait         how long Hazelcast waits for other members before it forms a cluster on its own; null:
 *                         0 s with no members listed, 5 s with members ({@code --cluster-join-wait})
 * @param agentAdvertiseAddress {@code HOST} or {@code HOST:PORT} agents are told to reach this node's agent port at
 *                         ({@code auth_result.edgeNodes}, {@code edge_nodes}); null: the advertise address and the
 *                         tunnel port ({@code --agent-advertise-address})
 * @param region           this node's region ({@code --region}, default {@code default}); each region is its own cluster
 * @param regionPeers      the other regions and a relay address of each ({@code --region-peers name=host:port,...})
 */
public record ClusterSettings(int port, List<String> members, String name, String advertiseAddress, int relayPort,
                              String nodeId, Duration joinWait, String agentAdvertiseAddress, String region,
                              List<RegionPeer> regionPeers) {
    public static final int DEFAULT_PORT = 5701;
    public static final String DEFAULT_NAME = "burrow";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public static final String DEFAULT_REGION = "default";

    public ClusterSettings {
        members = members == null ? List.of() : List.copyOf(members);
        region = region == null || region.isBlank() ? DEFAULT_REGION : region.trim();
        regionPeers = regionPeers == null ? List.of() : List.copyOf(regionPeers);
    }

    public ClusterSettings(int port, List<String> members, String name, String advertiseAddress, int relayPort,
                           String nodeId, Duration joinWait) {
        this(port, members, name, advertiseAddress, relayPort, nodeId, joinWait, null, null, null);
    }

    public static ClusterSettings defaults() {
        return new ClusterSettings(DEFAULT_PORT, List.of(), DEFAULT_NAME, null, 0, null, null);
    }

    /** The address agents are told for a node whose agent port is {@code tunnelPort}. */
    public String agentAddress(int tunnelPort) {
        if (agentAdvertiseAddress == null) {
            return HostPort.format(advertiseAddress, tunnelPort);
        }
        HostPort given = HostPort.parse(agentAdvertiseAddress, tunnelPort);
        return HostPort.format(given.host(), given.port());
    }

    /** The host part of {@code --agent-advertise-address}, or null (for the dev certificate's names). */
    public String agentAdvertiseHost() {
        return agentAdvertiseAddress == null ? null : HostPort.parse(agentAdvertiseAddress, 0).host();
    }

    /** Splits {@code host:port,host:port} (blanks ignored). */
    public static List<String> parseMembers(String text) {
        List<String> out = new ArrayList<>();
        for (String part : text.split(",")) {
            String member = part.trim();
            if (!member.isEmpty()) {
                out.add(member);
            }
        }
        return out;
    }

    /** Checks every value; throws {@link ConfigException} with the flag to fix. */
    ClusterSettings validate(String bindAddress) {
        if (port < 1 || port > 65_535) {
            throw new ConfigException("--cluster-port " + port + " is not a port; use 1-65535 (default " + DEFAULT_PORT + ")");
        }
        if (relayPort < 0 || relayPort > 65_535) {
            throw new ConfigException("--relay-port " + relayPort + " is not a port; use 1-65535, or 0 to pick a free one");
        }
        LinkedHashSet<String> checked = new LinkedHashSet<>();
        for (String member : members) {
            int colon = member.lastIndexOf(':');
            if (colon <= 0 || colon == member.length() - 1) {
                throw new ConfigException("--cluster-members: \"" + member + "\" is not host:port (for example 10.0.0.2:5701)");
            }
            int memberPort;
            try {
                memberPort = Integer.parseInt(member.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new ConfigException("--cluster-members: \"" + member + "\" has no port number; write host:port, one port per member");
            }
            if (memberPort < 1 || memberPort > 65_535) {
                throw new ConfigException("--cluster-members: \"" + member + "\" has port " + memberPort + "; use 1-65535");
            }
            checked.add(member.toLowerCase(Locale.ROOT));
        }
        if (name == null || !NAME.matcher(name).matches()) {
            throw new ConfigException("--cluster-name \"" + name + "\" is not valid; use 1-64 letters, digits, '.', '_' or '-'");
        }
        if (nodeId != null && !NAME.matcher(nodeId).matches()) {
            throw new ConfigException("--node-id \"" + nodeId + "\" is not valid; use 1-64 letters, digits, '.', '_' or '-'");
        }
        if (joinWait != null && (joinWait.isNegative() || joinWait.toSeconds() > 300)) {
            throw new ConfigException("--cluster-join-wait must be between 0s and 300s");
        }
        String advertise = advertiseAddress == null || advertiseAddress.isBlank() ? null : advertiseAddress.trim();
        if (advertise == null) {
            advertise = isWildcard(bindAddress) ? "127.0.0.1" : bindAddress;
        }
        String agentAdvertise = agentAdvertiseAddress == null || agentAdvertiseAddress.isBlank() ? null : agentAdvertiseAddress.trim();
        if (agentAdvertise != null) {
            try {
                HostPort.parse(agentAdvertise, 0);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("--agent-advertise-address: " + e.getMessage());
            }
        }
        if (!NAME.matcher(region).matches()) {
            throw new ConfigException("--region \"" + region + "\" is not valid; use 1-64 letters, digits, '.', '_' or '-'");
        }
        for (RegionPeer peer : regionPeers) {
            if (peer.region().equals(region)) {
                throw new ConfigException("--region-peers lists this node's own region \"" + region
                        + "\"; list only the other regions (nodes of one region find each other with --cluster-members)");
            }
        }
        // Regions never merge: unless named otherwise, a region's cluster is called burrow-REGION.
        String clusterName = name.equals(DEFAULT_NAME) && !region.equals(DEFAULT_REGION) ? DEFAULT_NAME + "-" + region : name;
        return new ClusterSettings(port, List.copyOf(checked), clusterName, advertise, relayPort, nodeId, joinWait,
                agentAdvertise, region, regionPeers);
    }

    /** The effective join wait: the configured one, else none for a lone node and 5 s when members are listed. */
    public Duration effectiveJoinWait() {
        if (joinWait != null) {
            return joinWait;
        }
        return members.isEmpty() ? Duration.ZERO : Duration.ofSeconds(5);
    }

    static boolean isWildcard(String address) {
        return address == null || address.equals("0.0.0.0") || address.equals("::") || address.equals("[::]");
    }

    public ClusterSettings withPort(int newPort) {
        return new ClusterSettings(newPort, members, name, advertiseAddress, relayPort, nodeId, joinWait, agentAdvertiseAddress, region, regionPeers);
    }

    public ClusterSettings withMembers(List<String> newMembers) {
        return new ClusterSettings(port, newMembers, name, advertiseAddress, relayPort, nodeId, joinWait, agentAdvertiseAddress, region, regionPeers);
    }

    public ClusterSettings withName(String newName) {
        return new ClusterSettings(port, members, newName, advertiseAddress, relayPort, nodeId, joinWait, agentAdvertiseAddress, region, regionPeers);
    }

    public ClusterSettings withRelayPort(int newPort) {
        return new ClusterSettings(port, members, name, advertiseAddress, newPort, nodeId, joinWait, agentAdvertiseAddress, region, regionPeers);
    }

    public ClusterSettings withNodeId(String newNodeId) {
        return new ClusterSettings(port, members, name, advertiseAddress, relayPort, newNodeId, joinWait, agentAdvertiseAddress, region, regionPeers);
    }

    public ClusterSettings withAgentAdvertiseAddress(String address) {
        return new ClusterSettings(port, members, name, advertiseAddress, relayPort, nodeId, joinWait, address, region, regionPeers);
    }

    /** Whether this node takes part in regions: a {@code --region} of its own, or peer regions to relay to. */
    public boolean regional() {
        return !DEFAULT_REGION.equals(region) || !regionPeers.isEmpty();
    }

    public ClusterSettings withRegion(String newRegion, List<RegionPeer> peers) {
        return new ClusterSettings(port, members, name, advertiseAddress, relayPort, nodeId, joinWait, agentAdvertiseAddress,
                newRegion, peers);
    }
}
