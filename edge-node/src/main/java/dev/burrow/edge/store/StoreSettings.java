package dev.burrow.edge.store;

import java.nio.file.Path;

/**
 * Where tenants, token hashes, reservations and domains are kept.
 *
 * @param url      JDBC URL ({@code jdbc:postgresql://db:5432/burrow}); null: an H2 file database in the data directory
 * @param user     database user, or null
 * @param password database password, or null (never printed)
 */
public record StoreSettings(String url, String user, String password) {
    public static final String H2_FILE = "tenancy";

    public static StoreSettings embedded() {
        return new StoreSettings(null, null, null);
    }

    /** The JDBC URL to use: {@link #url}, or the H2 file {@code DATA_DIR/tenancy.mv.db}. */
    public String effectiveUrl(Path dataDir) {
        if (url != null && !url.isBlank()) {
            return url.trim();
        }
        // WRITE_DELAY=0: a write is on disk when the map operation returns, even if the node is killed a moment later.
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve(H2_FILE) + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";
    }

    /** Validated; throws IllegalArgumentException with a sentence naming the flag. */
    public StoreSettings validate() {
        if (url != null && !url.isBlank() && !url.trim().startsWith("jdbc:")) {
            throw new IllegalArgumentException("--db-url \"" + url + "\" is not a JDBC URL; use e.g. jdbc:postgresql://HOST:5432/burrow");
        }
        return this;
    }

    @Override
    public String toString() {
        return "StoreSettings[url=" + (url == null ? "embedded H2" : url) + ", user=" + user + ", password="
                + (password == null ? "none" : "HIDDEN") + "]";
    }
}
