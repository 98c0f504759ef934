package dev.burrow.edge.region;

import dev.burrow.edge.store.StoreException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The region directory in the durable store (table {@code region_nodes}, migration V10): one row per node of every
 * region sharing the database. Times come from the database's clock only. Portable SQL (H2 and PostgreSQL).
 * Blocking: call it from a worker thread.
 */
public final class RegionNodeTable {
    private final DataSource dataSource;

    /** One node as the directory knows it; {@code tcpPorts} maps each TCP port bound in its region to the endpoint id. */
    public record RegionNode(String region, String nodeId, String relayHost, int relayPort, Map<Integer, String> tcpPorts,
                             Duration age) {
    }

    public RegionNodeTable(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Creates or refreshes this node's row, stamped with the database's current time. */
    public void heartbeat(String region, String nodeId, String relayHost, int relayPort, Map<Integer, String> tcpPorts) {
        String ports = encodePorts(tcpPorts);
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement update = connection.prepareStatement("UPDATE region_nodes SET relay_host = ?, relay_port = ?, "
                    + "tcp_ports = ?, heartbeat_at = CURRENT_TIMESTAMP WHERE region = ? AND node_id = ?")) {
                update.setString(1, relayHost);
                update.setInt(2, relayPort);
                update.setString(3, ports);
                update.setString(4, region);
                update.setString(5, nodeId);
                if (update.executeUpdate() > 0) {
                    return;
                }
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO region_nodes "
                    + "(region, node_id, relay_host, relay_port, tcp_ports, heartbeat_at) VALUES (?, ?, ?, ?, ?, CURRENT_TIMESTAMP)")) {
                insert.setString(1, region);
                insert.setString(2, nodeId);
                insert.setString(3, relayHost);
                insert.setInt(4, relayPort);
                insert.setString(5, ports);
                insert.executeUpdate();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot register node " + nodeId + " of region " + region
                    + " in the region directory (table region_nodes): " + e.getMessage(), e);
        }
    }

    /**
     * Every node refreshed within {@code ttl}, oldest region name first; rows older than {@code forgetAfter} are
     * deleted on the way (nodes that stopped without saying so).
     */
    public List<RegionNode> live(Duration ttl, Duration forgetAfter) {
        List<RegionNode> nodes = new ArrayList<>();
        try (Connection connection = dataSource.getConnection()) {
            OffsetDateTime now;
            try (PreparedStatement select = connection.prepareStatement("SELECT region, node_id, relay_host, relay_port, "
                    + "tcp_ports, heartbeat_at, CURRENT_TIMESTAMP FROM region_nodes ORDER BY region, node_id");
                 ResultSet rows = select.executeQuery()) {
                now = null;
                while (rows.next()) {
                    now = rows.getObject(7, OffsetDateTime.class);
                    Duration age = Duration.between(rows.getObject(6, OffsetDateTime.class), now);
                    if (age.compareTo(ttl) <= 0) {
                        nodes.add(new RegionNode(rows.getString(1), rows.getString(2), rows.getString(3), rows.getInt(4),
                                decodePorts(rows.getString(5)), age.isNegative() ? Duration.ZERO : age));
                    }
                }
            }
            if (now != null) {
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM region_nodes WHERE heartbeat_at < ?")) {
                    delete.setObject(1, now.minus(forgetAfter));
                    delete.executeUpdate();
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the region directory (table region_nodes): " + e.getMessage(), e);
        }
        return nodes;
    }

    /** Removes this node's row (a clean stop), so the other regions stop dialing it at their next refresh. */
    public void remove(String region, String nodeId) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement("DELETE FROM region_nodes WHERE region = ? AND node_id = ?")) {
            delete.setString(1, region);
            delete.setString(2, nodeId);
            delete.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot remove node " + nodeId + " from the region directory: " + e.getMessage(), e);
        }
    }

    static String encodePorts(Map<Integer, String> ports) {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(ports).forEach((port, endpointId) -> {
            if (!text.isEmpty()) {
                text.append(',');
            }
            text.append(port).append('=').append(endpointId);
        });
        return text.toString();
    }

    static Map<Integer, String> decodePorts(String text) {
        Map<Integer, String> ports = new TreeMap<>();
        if (text == null || text.isBlank()) {
            return ports;
        }
        for (String item : text.split(",")) {
            int equals = item.indexOf('=');
            if (equals > 0) {
                try {
                    ports.put(Integer.parseInt(item.substring(0, equals).trim()), item.substring(equals + 1).trim());
                } catch (NumberFormatException ignored) {
                    // a row from a newer node with another format: skip the item
                }
            }
        }
        return ports;
    }
}
