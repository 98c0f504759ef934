package dev.burrow.edge.store;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code tenancy_changes} table: which tenancy row a region changed, so that the other regions sharing the
 * database (each its own cluster) can re-read it. Appended by {@link JsonTableStore} in the transaction of the write
 * itself; read by every node after the last seq it handled. Blocking.
 */
public final class ChangeLog {
    /** How long a change is kept for a region that falls behind (a node reads it within seconds when all is well). */
    public static final Duration KEEP = Duration.ofHours(1);
    /** Most changes read in one poll; the next poll reads on. */
    public static final int BATCH = 500;

    /** One changed row: {@code key} in the Hazelcast map {@code map}, now deleted or not. */
    public record Change(long seq, String region, String map, String key, boolean deleted) {
    }

    private final DataSource dataSource;
    private final String region;

    public ChangeLog(DataSource dataSource, String region) {
        this.dataSource = dataSource;
        this.region = region;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public String region() {
        return region;
    }

    /** Appends a change made by this region, on the caller's connection (in its transaction). */
    void append(Connection connection, String map, String key, boolean deleted) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO tenancy_changes (region, map_name, row_id, deleted) VALUES (?, ?, ?, ?)")) {
            insert.setQueryTimeout(Database.STATEMENT_TIMEOUT_SECONDS);
            insert.setString(1, region);
            insert.setString(2, map);
            insert.setString(3, key);
            insert.setBoolean(4, deleted);
            insert.executeUpdate();
        }
    }

    /** The highest seq written so far, 0 for none. */
    public long lastSeq() {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT MAX(seq) FROM tenancy_changes")) {
            select.setQueryTimeout(Database.STATEMENT_TIMEOUT_SECONDS);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getLong(1) : 0;
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the last seq of table tenancy_changes: " + e.getMessage(), e);
        }
    }

    /** Changes with a seq above {@code seq}, oldest first, at most {@link #BATCH}. */
    public List<Change> after(long seq) {
        List<Change> changes = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT seq, region, map_name, row_id, deleted FROM tenancy_changes WHERE seq > ? ORDER BY seq")) {
            select.setQueryTimeout(Database.STATEMENT_TIMEOUT_SECONDS);
            select.setMaxRows(BATCH);
            select.setLong(1, seq);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    changes.add(new Change(rows.getLong(1), rows.getString(2), rows.getString(3), rows.getString(4),
                            rows.getBoolean(5)));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read table tenancy_changes: " + e.getMessage(), e);
        }
        return changes;
    }

    /** Deletes changes older than {@code age} (by this node's clock); returns how many. */
    public int prune(Duration age) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement("DELETE FROM tenancy_changes WHERE changed_at < ?")) {
            delete.setQueryTimeout(Database.STATEMENT_TIMEOUT_SECONDS);
            delete.setTimestamp(1, new Timestamp(System.currentTimeMillis() - age.toMillis()));
            return delete.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("cannot prune table tenancy_changes: " + e.getMessage(), e);
        }
    }
}
