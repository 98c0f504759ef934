package dev.burrow.edge.tls.acme;

import dev.burrow.edge.store.Database;
import dev.burrow.edge.store.StoreException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Where automatic certificates and the ACME account key live durably: two tables of the tenancy database
 * ({@code acme_certificates}, {@code acme_accounts}), so a restart of every node serves what was issued before.
 * Blocking JDBC: call it from a worker thread. Portable SQL (update, then insert), as the tenancy maps' stores.
 */
public final class AcmeStore {
    /** One stored certificate: PEM chain (leaf first) and PEM key pair, with the leaf's validity in epoch millis. */
    public record StoredCertificate(String name, String tenantId, String chainPem, String keyPem, long notBefore,
                                    long notAfter, long issuedAt) implements java.io.Serializable {
    }

    private final DataSource dataSource;

    public AcmeStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The account key (PEM key pair) registered with {@code directory}, or null. */
    public String accountKey(String directory) {
        return query("SELECT key_pem FROM acme_accounts WHERE directory = ?", directory, rows -> rows.next() ? rows.getString(1) : null);
    }

    /** Keeps the first account key saved for {@code directory}: a node that lost the race adopts the winner's. */
    public String saveAccountKeyIfAbsent(String directory, String keyPem) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO acme_accounts (directory, key_pem, created_at) VALUES (?, ?, ?)")) {
            insert.setQueryTimeout(Database.STATEMENT_TIMEOUT_SECONDS);
            insert.setString(1, directory);
            insert.setString(2, keyPem);
            insert.setLong(3, System.currentTimeMillis());
            insert.executeUpdate();
            return keyPem;
        } catch (SQLException e) {
            String kept = accountKey(directory);
            if (kept != null) {
                return kept;
            }
            throw new StoreException("cannot save the ACME account key: " + e.getMessage(), e);
        }
    }

    public StoredCertificate find(String name) {
        return query("SELECT " + COLUMNS + " FROM acme_certificates WHERE name = ?", name, rows -> rows.next() ? row(rows) : null);
    }

    /** Every stored certificate, read once at start. */
    public List<StoredCertificate> all() {
        return query("SELECT " + COLUMNS + " FROM acme_certificates", null, rows -> {
            List<StoredCertificate> found = new ArrayList<>();
            while (rows.next()) {
                found.add(row(rows));
            }
            return found;
        });
    }

    /** Certificates stored for {@code tenantId}'s names. */
    public int countFor(String tenantId) {
        return query("SELECT COUNT(*) FROM acme_certificates WHERE tenant_id = ?", tenantId, rows -> rows.next() ? rows.getInt(1) : 0);
    }

    public void save(StoredCertificate certificate) {
        try (Connection connection = dataSource.getConnection()) {
            try (PreparedStatement update = connection.prepareStatement("UPDATE acme_certificates SET tenant_id = ?, chain_pem = ?, "
                    + "key_pem = ?, not_before = ?, not_after = ?, issued_at = ? WHERE name = ?")) {
                update.setQueryTimeout(Database.STATEMENT_TIMEOUT_SECONDS);
                bind(update, certificate, 1);
                update.setString(7, certificate.name());
                if (update.executeUpdate() > 0) {
                    return;
                }
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO acme_certificates (tenant_id, chain_pem, key_pem, "
                    + "not_before, not_after, issued_at, name) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                insert.setQueryTimeout(Database.STATEMENT_TIMEOUT_SECONDS);
                bind(insert, certificate, 1);
                insert.setString(7, certificate.name());
                insert.executeUpdate();
            }
        } catch (SQLException e) {
            throw new StoreException("cannot save the certificate of " + certificate.name() + ": " + e.getMessage(), e);
        }
    }

    private static final String COLUMNS = "name, tenant_id, chain_pem, key_pem, not_before, not_after, issued_at";

    private static void bind(PreparedStatement statement, StoredCertificate certificate, int from) throws SQLException {
        statement.setString(from, certificate.tenantId());
        statement.setString(from + 1, certificate.chainPem());
        statement.setString(from + 2, certificate.keyPem());
        statement.setLong(from + 3, certificate.notBefore());
        statement.setLong(from + 4, certificate.notAfter());
        statement.setLong(from + 5, certificate.issuedAt());
    }

    private static StoredCertificate row(ResultSet rows) throws SQLException {
        return new StoredCertificate(rows.getString(1), rows.getString(2), rows.getString(3), rows.getString(4),
                rows.getLong(5), rows.getLong(6), rows.getLong(7));
    }

    private interface Rows<T> {
        T read(ResultSet rows) throws SQLException;
    }

    private <T> T query(String sql, String parameter, Rows<T> reader) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(sql)) {
            select.setQueryTimeout(Database.BULK_TIMEOUT_SECONDS);
            if (parameter != null) {
                select.setString(1, parameter);
            }
            try (ResultSet rows = select.executeQuery()) {
                return reader.read(rows);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the ACME tables: " + e.getMessage(), e);
        }
    }
}
