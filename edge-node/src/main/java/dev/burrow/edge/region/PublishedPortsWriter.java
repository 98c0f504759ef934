package dev.burrow.edge.region;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes one node's rows of {@code region_tcp_ports} (the TCP ports bound in its region): only what changed since the
 * last committed write, so that a region with thousands of ports costs a heartbeat nothing while they stay put
 * (review2 M6). After a failed or unknown write it starts over: deletes the node's rows and writes them all.
 * Used inside the caller's transaction; not thread-safe (the directory refresh is serial).
 */
final class PublishedPortsWriter {
    /** What the database holds for this node, as last committed; null when unknown. */
    private Map<Integer, PublishedPort> written;
    private Map<Integer, PublishedPort> pending;
    private int lastRowsWritten;

    void write(Connection connection, String region, String nodeId, Map<Integer, PublishedPort> now) throws SQLException {
        Map<Integer, PublishedPort> target = Map.copyOf(now);
        Map<Integer, PublishedPort> before = written;
        int rows = 0;
        if (before == null) {
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM region_tcp_ports WHERE region = ? AND node_id = ?")) {
                delete.setQueryTimeout(RegionNodeTable.QUERY_TIMEOUT_SECONDS);
                delete.setString(1, region);
                delete.setString(2, nodeId);
                delete.executeUpdate();
            }
            before = Map.of();
        }
        final Map<Integer, PublishedPort> previous = before;
        Map<Integer, PublishedPort> added = new HashMap<>();
        Map<Integer, PublishedPort> changed = new HashMap<>();
        target.forEach((port, published) -> {
            PublishedPort old = previous.get(port);
            if (old == null) {
                added.put(port, published);
            } else if (!old.equals(published)) {
                changed.put(port, published);
            }
        });
        java.util.List<Integer> removed = previous.keySet().stream().filter(port -> !target.containsKey(port)).toList();
        if (!removed.isEmpty()) {
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM region_tcp_ports WHERE region = ? AND node_id = ? AND port = ?")) {
                delete.setQueryTimeout(RegionNodeTable.QUERY_TIMEOUT_SECONDS);
                for (int port : removed) {
                    delete.setString(1, region);
                    delete.setString(2, nodeId);
                    delete.setInt(3, port);
                    delete.addBatch();
                }
                delete.executeBatch();
            }
            rows += removed.size();
        }
        if (!changed.isEmpty()) {
            try (PreparedStatement update = connection.prepareStatement(
                    "UPDATE region_tcp_ports SET endpoint_id = ?, tenant_id = ? WHERE region = ? AND node_id = ? AND port = ?")) {
                update.setQueryTimeout(RegionNodeTable.QUERY_TIMEOUT_SECONDS);
                for (Map.Entry<Integer, PublishedPort> entry : changed.entrySet()) {
                    update.setString(1, entry.getValue().endpointId());
                    update.setString(2, entry.getValue().tenantId());
                    update.setString(3, region);
                    update.setString(4, nodeId);
                    update.setInt(5, entry.getKey());
                    update.addBatch();
                }
                update.executeBatch();
            }
            rows += changed.size();
        }
        if (!added.isEmpty()) {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO region_tcp_ports (region, node_id, port, endpoint_id, tenant_id) VALUES (?, ?, ?, ?, ?)")) {
                insert.setQueryTimeout(RegionNodeTable.QUERY_TIMEOUT_SECONDS);
                for (Map.Entry<Integer, PublishedPort> entry : added.entrySet()) {
                    insert.setString(1, region);
                    insert.setString(2, nodeId);
                    insert.setInt(3, entry.getKey());
                    insert.setString(4, entry.getValue().endpointId());
                    insert.setString(5, entry.getValue().tenantId());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
            rows += added.size();
        }
        pending = target;
        lastRowsWritten = rows;
    }

    /** The transaction of the last {@link #write} committed. */
    void committed() {
        written = pending;
        pending = null;
    }

    /** The database's copy is unknown (a failed write, a removed node): the next write rewrites every row. */
    void forget() {
        written = null;
        pending = null;
    }

    /** Rows the last write deleted, updated or inserted (the full delete of a fresh start not counted). */
    int lastRowsWritten() {
        return lastRowsWritten;
    }

    static Map<Integer, PublishedPort> read(Connection connection, String region, String nodeId) throws SQLException {
        Map<Integer, PublishedPort> ports = new TreeMap<>();
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT port, endpoint_id, tenant_id FROM region_tcp_ports WHERE region = ? AND node_id = ?")) {
            select.setQueryTimeout(RegionNodeTable.QUERY_TIMEOUT_SECONDS);
            select.setString(1, region);
            select.setString(2, nodeId);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    ports.put(rows.getInt(1), new PublishedPort(rows.getString(2), rows.getString(3)));
                }
            }
        }
        return ports;
    }
}
