package dev.burrow.edge.region;

import dev.burrow.edge.config.RegionPeer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /api/v1/regions}: every region this node knows (from the directory and {@code --region-peers}), its live
 * nodes with their relay addresses, the TCP ports it publishes (other regions), and this node's relay link to it.
 */
public final class RegionsReport {
    private RegionsReport() {
    }

    public static JsonObject of(String localRegion, List<RegionNodeTable.RegionNode> nodes, List<RegionPeer> staticPeers,
                                RegionRelays relays) {
        Map<String, JsonObject> regions = new TreeMap<>();
        for (RegionNodeTable.RegionNode node : nodes) {
            JsonObject region = regions.computeIfAbsent(node.region(), name -> region(name, localRegion, relays));
            region.getJsonArray("nodes").add(new JsonObject()
                    .put("nodeId", node.nodeId())
                    .put("relayAddress", dev.burrow.edge.config.HostPort.format(node.relayHost(), node.relayPort()))
                    .put("lastSeenMillisAgo", node.age().toMillis()));
            if (!node.tcpPorts().isEmpty()) {
                JsonArray ports = region.getJsonArray("tcpPorts");
                node.tcpPorts().keySet().forEach(ports::add);
            }
        }
        for (RegionPeer peer : staticPeers) {
            regions.computeIfAbsent(peer.region(), name -> region(name, localRegion, relays)).put("staticAddress", peer.address());
        }
        return new JsonObject().put("region", localRegion).put("regions", new JsonArray(List.copyOf(regions.values())));
    }

    private static JsonObject region(String name, String localRegion, RegionRelays relays) {
        JsonObject region = new JsonObject().put("name", name).put("local", name.equals(localRegion)).put("nodes", new JsonArray());
        if (!name.equals(localRegion)) {
            region.put("tcpPorts", new JsonArray()).put("linkReady", relays.isReady(name)).put("linkAddress", relays.addressOf(name));
        }
        return region;
    }
}
