package dev.burrow.edge.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;

import javax.sql.DataSource;
import java.nio.file.Path;

/**
 * The tenancy database: a small connection pool and the schema, created or migrated at start (Flyway, scripts in
 * {@code db/migration}). Blocking: open it off the event loop.
 */
public final class Database implements AutoCloseable {
    /** Longest wait for a pooled connection. */
    public static final long CONNECTION_TIMEOUT_MILLIS = 2_000;
    /** Longest run of one statement on a single row (JDBC query timeout). */
    public static final int STATEMENT_TIMEOUT_SECONDS = 2;
    /** Longest run of a statement over a whole table (the eager load at start). */
    public static final int BULK_TIMEOUT_SECONDS = 60;
    private final HikariDataSource dataSource;
    private final String description;

    private Database(HikariDataSource dataSource, String description) {
        this.dataSource = dataSource;
        this.description = description;
    }

    public static Database open(StoreSettings settings, Path dataDir) {
        String url = settings.effectiveUrl(dataDir);
        Path h2File = H2UncleanStopRecovery.fileOf(url);
        if (h2File != null) {
            try {
                H2UncleanStopRecovery.recoverIfNotClosed(h2File);
            } catch (RuntimeException e) {
                throw new StoreException("cannot recover the tenancy database " + h2File + " after an unclean stop: "
                        + rootMessage(e), e);
            }
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        if (settings.user() != null) {
            config.setUsername(settings.user());
        }
        if (settings.password() != null) {
            config.setPassword(settings.password());
        }
        config.setPoolName("burrow-store");
        config.setMaximumPoolSize(4);
        config.setMinimumIdle(1);
        // Write-through: a map write (and the claim lock's lease, tenancy/ClaimLock) waits for the database, so a slow
        // database must fail fast rather than stall the cluster's partition threads.
        config.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
        config.setValidationTimeout(1_000);
        config.setInitializationFailTimeout(10_000);
        HikariDataSource dataSource;
        try {
            dataSource = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StoreException("cannot open the tenancy database " + redact(url) + ": " + rootMessage(e)
                    + "; check --db-url, --db-user and --db-password", e);
        }
        try {
            Flyway.configure().dataSource(dataSource).locations("classpath:db/migration")
                    .loggers("slf4j").load().migrate();
        } catch (RuntimeException e) {
            dataSource.close();
            throw new StoreException("cannot create or migrate the tenancy schema in " + redact(url) + ": " + rootMessage(e), e);
        }
        return new Database(dataSource, redact(url));
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** The URL without credentials, for logs. */
    public String description() {
        return description;
    }

    @Override
    public void close() {
        dataSource.close();
    }

    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1HIDDEN");
    }

    static String rootMessage(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return String.valueOf(cause.getMessage());
    }
}
