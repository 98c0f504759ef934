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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The region directory in the durable store: one row per node of every region sharing the database (table
 * {@code region_nodes}, migration V10) and the TCP ports each node publishes for its region (table
 * {@code region_tcp_ports}, V12; written by {@link PublishedPortsWriter}, changes only, in the heartbeat's
 * transaction). Times come from the database's clock only. Portable SQL (H2 and PostgreSQL). Blocking: call it from a
 * worker thread. One instance per node (it remembers what it last wrote).
 */
public final class RegionNodeTable {
    /** Each statement's bound, so that a hung database cannot hold the refresh (and a clean stop) for long. */
    static final int QUERY_TIMEOUT_SECONDS = 5;

    private final DataSource dataSource;
    private final PublishedPortsWriter ports = new PublishedPortsWriter();

    /**
     * One node as the directory knows it. {@code tcpPorts} holds the TCP ports bound in its region as read from this
     * node's rows, for the one node per region that {@link #live} reads them from; empty for the others.
     */
    public record RegionNode(String region, String nodeId, String relayHost, int relayPort, Map<Integer, PublishedPort> tcpPorts,
                             Duration age) {
    }

    public RegionNodeTable(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Creates or refreshes this node's row, stamped with the database's current time, and writes what changed in the
     * TCP ports of its region since the last heartbeat, in one transaction (a reader sees the row with its ports).
     */
    public void heartbeat(String region, String nodeId, String relayHost, int relayPort, Map<Integer, PublishedPort> tcpPorts) {
        try (Connection connection = dataSource.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                if (upsertNode(connection, region, nodeId, relayHost, relayPort)) {
                    ports.forget(); // a new row (first start, or forgotten meanwhile): its ports are written afresh
                }
                ports.write(connection, region, nodeId, tcpPorts);
                connection.commit();
                ports.committed();
            } catch (SQLException | RuntimeException e) {
                ports.forget();
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot register node " + nodeId + " of region " + region
                    + " in the region directory (tables region_nodes, region_tcp_ports): " + e.getMessage(), e);
        }
    }

    /** Whether the row was inserted (it did not exist). */
    private static boolean upsertNode(Connection connection, String region, String nodeId, String relayHost, int relayPort)
            throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE region_nodes SET relay_host = ?, relay_port = ?, "
                + "heartbeat_at = CURRENT_TIMESTAMP WHERE region = ? AND node_id = ?")) {
            update.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            update.setString(1, relayHost);
            update.setInt(2, relayPort);
            update.setString(3, region);
            update.setString(4, nodeId);
            if (update.executeUpdate() > 0) {
                return false;
            }
        }
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO region_nodes "
                + "(region, node_id, relay_host, relay_port, tcp_ports, heartbeat_at) VALUES (?, ?, ?, ?, '', CURRENT_TIMESTAMP)")) {
            insert.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            insert.setString(1, region);
            insert.setString(2, nodeId);
            insert.setString(3, relayHost);
            insert.setInt(4, relayPort);
            insert.executeUpdate();
        }
        return true;
    }

    /** {@link #live(String, Duration, Duration)} with the TCP ports of every region read. */
    public List<RegionNode> live(Duration ttl, Duration forgetAfter) {
        return live(null, ttl, forgetAfter);
    }

    /**
     * Every node refreshed within {@code ttl}, ordered by region and node id; rows older than {@code forgetAfter} are
     * deleted on the way (nodes that stopped without saying so), with their ports. The TCP ports of each region but
     * {@code localRegion} are read from one of its nodes ({@link #portSource}).
     */
    public List<RegionNode> live(String localRegion, Duration ttl, Duration forgetAfter) {
        List<RegionNode> nodes = new ArrayList<>();
        try (Connection connection = dataSource.getConnection()) {
            OffsetDateTime now = null;
            try (PreparedStatement select = connection.prepareStatement("SELECT region, node_id, relay_host, relay_port, "
                    + "heartbeat_at, CURRENT_TIMESTAMP FROM region_nodes ORDER BY region, node_id")) {
                select.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        now = rows.getObject(6, OffsetDateTime.class);
                        Duration age = Duration.between(rows.getObject(5, OffsetDateTime.class), now);
                        if (age.compareTo(ttl) <= 0) {
                            nodes.add(new RegionNode(rows.getString(1), rows.getString(2), rows.getString(3), rows.getInt(4),
                                    Map.of(), age.isNegative() ? Duration.ZERO : age));
                        }
                    }
                }
            }
            if (now != null) {
                forget(connection, now.minus(forgetAfter));
            }
            return withPorts(connection, nodes, localRegion);
        } catch (SQLException e) {
            throw new StoreException("cannot read the region directory (tables region_nodes, region_tcp_ports): " + e.getMessage(), e);
        }
    }

    private static void forget(Connection connection, OffsetDateTime before) throws SQLException {
        int forgotten;
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM region_nodes WHERE heartbeat_at < ?")) {
            delete.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            delete.setObject(1, before);
            forgotten = delete.executeUpdate();
        }
        if (forgotten > 0) {
            try (PreparedStatement orphans = connection.prepareStatement("DELETE FROM region_tcp_ports WHERE NOT EXISTS "
                    + "(SELECT 1 FROM region_nodes n WHERE n.region = region_tcp_ports.region AND n.node_id = region_tcp_ports.node_id)")) {
                orphans.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
                orphans.executeUpdate();
            }
        }
    }

    private static List<RegionNode> withPorts(Connection connection, List<RegionNode> nodes, String localRegion) throws SQLException {
        Map<String, List<RegionNode>> byRegion = new LinkedHashMap<>();
        nodes.forEach(node -> byRegion.computeIfAbsent(node.region(), r -> new ArrayList<>()).add(node));
        List<RegionNode> result = new ArrayList<>(nodes.size());
        for (Map.Entry<String, List<RegionNode>> region : byRegion.entrySet()) {
            RegionNode source = region.getKey().equals(localRegion) ? null : portSource(region.getValue());
            for (RegionNode node : region.getValue()) {
                result.add(node != source ? node : new RegionNode(node.region(), node.nodeId(), node.relayHost(), node.relayPort(),
                        PublishedPortsWriter.read(connection, node.region(), node.nodeId()), node.age()));
            }
        }
        return result;
    }

    /**
     * The node of a region whose view of the region's TCP ports is read: the smallest node id among the nodes that
     * refreshed within three refreshes, so that the choice stays put while the nodes of a region take turns being the
     * freshest (the nodes may briefly disagree, and a listener should not follow every turn); else the freshest.
     */
    static RegionNode portSource(List<RegionNode> nodesOfRegion) {
        Duration recent = RegionDiscovery.REFRESH.multipliedBy(3);
        return nodesOfRegion.stream().filter(node -> node.age().compareTo(recent) <= 0)
                .min(Comparator.comparing(RegionNode::nodeId))
                .orElseGet(() -> nodesOfRegion.stream().min(Comparator.comparing(RegionNode::age)).orElse(null));
    }

    /** Rows of region_tcp_ports the last heartbeat wrote (changes only). */
    int lastPortRowsWritten() {
        return ports.lastRowsWritten();
    }

    /** Removes this node's row and ports (a clean stop), so the other regions stop dialing it at their next refresh. */
    public void remove(String region, String nodeId) {
        try (Connection connection = dataSource.getConnection()) {
            for (String table : List.of("region_tcp_ports", "region_nodes")) {
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table + " WHERE region = ? AND node_id = ?")) {
                    delete.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
                    delete.setString(1, region);
                    delete.setString(2, nodeId);
                    delete.executeUpdate();
                }
            }
            ports.forget();
        } catch (SQLException e) {
            throw new StoreException("cannot remove node " + nodeId + " from the region directory: " + e.getMessage(), e);
        }
    }
}
