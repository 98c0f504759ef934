package dev.burrow.edge.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.hazelcast.map.MapStore;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A Hazelcast {@link MapStore} over one table {@code (id, tenant_id, body)}: the map key, the owning tenant (for
 * queries by hand) and the value as JSON. Write-through: Hazelcast calls it on its partition threads, so a write
 * is in the database before the map operation returns. Portable SQL only (update, then insert when nothing was
 * updated; Hazelcast serializes writes to one key), so H2 and PostgreSQL run the same statements. With a
 * {@link ChangeLog} (regions sharing the database), each write also appends its change, in the same transaction.
 */
public final class JsonTableStore<V> implements MapStore<String, V> {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private final DataSource dataSource;
    private final String table;
    private final Class<V> type;
    private final Function<V, String> tenantOf;
    private final ChangeLog changeLog;
    private final String mapName;

    public JsonTableStore(DataSource dataSource, String table, Class<V> type, Function<V, String> tenantOf) {
        this(dataSource, table, type, tenantOf, null, null);
    }

    /** {@code changeLog}: where each write is recorded as a change of {@code mapName}, or null for no record. */
    public JsonTableStore(DataSource dataSource, String table, Class<V> type, Function<V, String> tenantOf,
                          ChangeLog changeLog, String mapName) {
        this.dataSource = dataSource;
        this.table = table;
        this.type = type;
        this.tenantOf = tenantOf;
        this.changeLog = changeLog;
        this.mapName = mapName;
    }

    @Override
    public void store(String key, V value) {
        String body = toJson(value);
        try (Connection connection = dataSource.getConnection()) {
            inTransaction(connection, () -> {
                upsert(connection, key, tenantOf.apply(value), body);
                if (changeLog != null) {
                    changeLog.append(connection, mapName, key, false);
                }
            });
        } catch (SQLException e) {
            throw failure("write " + key + " to", e);
        }
    }

    private void upsert(Connection connection, String key, String tenantId, String body) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE " + table + " SET tenant_id = ?, body = ? WHERE id = ?")) {
            update.setQueryTimeout(Database.STATEMENT_TIMEOUT_SECONDS);
            update.setString(1, tenantId);
            update.setString(2, body);
            update.setString(3, key);
            if (update.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO " + table + " (id, tenant_id, body) VALUES (?, ?, ?)")) {
            insert.setQueryTimeout(Database.STATEMENT_TIMEOUT_SECONDS);
            insert.setString(1, key);
            insert.setString(2, tenantId);
            insert.setString(3, body);
            insert.executeUpdate();
        }
    }

    private interface SqlWork {
        void run() throws SQLException;
    }

    /** Without a change log, the statements run in auto-commit, as before. */
    private void inTransaction(Connection connection, SqlWork work) throws SQLException {
        if (changeLog == null) {
            work.run();
            return;
        }
        connection.setAutoCommit(false);
        try {
            work.run();
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    @Override
    public void storeAll(Map<String, V> entries) {
        entries.forEach(this::store);
    }

    @Override
    public void delete(String key) {
        try (Connection connection = dataSource.getConnection()) {
            inTransaction(connection, () -> {
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table + " WHERE id = ?")) {
                    delete.setQueryTimeout(Database.STATEMENT_TIMEOUT_SECONDS);
                    delete.setString(1, key);
                    delete.executeUpdate();
                }
                if (changeLog != null) {
                    changeLog.append(connection, mapName, key, true);
                }
            });
        } catch (SQLException e) {
            throw failure("delete " + key + " from", e);
        }
    }

    @Override
    public void deleteAll(Collection<String> keys) {
        keys.forEach(this::delete);
    }

    @Override
    public V load(String key) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT body FROM " + table + " WHERE id = ?")) {
            select.setQueryTimeout(Database.STATEMENT_TIMEOUT_SECONDS);
            select.setString(1, key);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? fromJson(rows.getString(1)) : null;
            }
        } catch (SQLException e) {
            throw failure("read " + key + " from", e);
        }
    }

    @Override
    public Map<String, V> loadAll(Collection<String> keys) {
        Map<String, V> found = new HashMap<>();
        for (String key : keys) {
            V value = load(key);
            if (value != null) {
                found.put(key, value);
            }
        }
        return found;
    }

    @Override
    public Iterable<String> loadAllKeys() {
        List<String> keys = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT id FROM " + table)) {
            select.setQueryTimeout(Database.BULK_TIMEOUT_SECONDS);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    keys.add(rows.getString(1));
                }
            }
        } catch (SQLException e) {
            throw failure("list the keys of", e);
        }
        return keys;
    }

    private String toJson(V value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new StoreException("cannot encode a " + type.getSimpleName() + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private V fromJson(String body) {
        try {
            return JSON.readValue(body, type);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new StoreException("a row of " + table + " is not a valid " + type.getSimpleName() + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    private StoreException failure(String what, SQLException e) {
        return new StoreException("cannot " + what + " table " + table + ": " + e.getMessage(), e);
    }
}
