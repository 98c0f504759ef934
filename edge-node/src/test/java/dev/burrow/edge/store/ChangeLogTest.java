package dev.burrow.edge.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The change log's SQL on both databases: a write-through appends its change in its own transaction (a failed write
 * leaves none), changes read back in seq order with their region, and old ones are pruned. The PostgreSQL case is
 * skipped, with the reason, where PostgreSQL is not installed ({@code .ci/setup.d/10-postgres.sh} installs it in CI).
 */
class ChangeLogTest {
    public record Row(String id, String name) {
    }

    private record Seen(String region, String map, String key, boolean deleted) {
    }

    @TempDir
    Path dir;

    @Test
    void onH2() {
        try (Database database = Database.open(StoreSettings.embedded(), dir)) {
            exercise(database);
        }
    }

    @Test
    void onPostgres() throws Exception {
        assumeTrue(PostgresServer.findBinaries() != null,
                "PostgreSQL is not installed (apt-get install postgresql, or run .ci/setup.d/10-postgres.sh); skipping the PostgreSQL change log test");
        try (PostgresServer postgres = PostgresServer.start();
             Database database = Database.open(new StoreSettings(postgres.jdbcUrl(), "postgres", null), dir)) {
            exercise(database);
        }
    }

    private static void exercise(Database database) {
        ChangeLog eu = new ChangeLog(database.dataSource(), "eu");
        ChangeLog us = new ChangeLog(database.dataSource(), "us");
        JsonTableStore<Row> euTenants = new JsonTableStore<>(database.dataSource(), "tenants", Row.class, Row::id, eu, "burrow.tenants");
        JsonTableStore<Row> usTenants = new JsonTableStore<>(database.dataSource(), "tenants", Row.class, Row::id, us, "burrow.tenants");
        assertEquals(0, eu.lastSeq(), "a new database has no changes");

        euTenants.store("a", new Row("a", "first"));
        euTenants.store("a", new Row("a", "second"));
        assertEquals(new Row("a", "second"), usTenants.load("a"));
        usTenants.delete("a");
        assertNull(euTenants.load("a"));

        List<ChangeLog.Change> changes = us.after(0);
        assertEquals(List.of(new Seen("eu", "burrow.tenants", "a", false), new Seen("eu", "burrow.tenants", "a", false),
                new Seen("us", "burrow.tenants", "a", true)), changes.stream().map(ChangeLogTest::seen).toList());
        assertTrue(changes.get(0).seq() < changes.get(1).seq() && changes.get(1).seq() < changes.get(2).seq(), changes.toString());
        assertEquals(changes.get(2).seq(), eu.lastSeq());
        assertEquals(List.of(changes.get(2)), eu.after(changes.get(1).seq()));

        long before = eu.lastSeq();
        assertThrows(StoreException.class, () -> euTenants.store("b", new Row("b", "x".repeat(30_000))),
                "a body longer than the column");
        assertEquals(before, eu.lastSeq(), "a failed write leaves no change behind");
        assertNull(euTenants.load("b"));
        euTenants.store("b", new Row("b", "fits"));
        assertEquals(List.of(new Seen("eu", "burrow.tenants", "b", false)),
                eu.after(before).stream().map(ChangeLogTest::seen).toList(), "the connection is usable after a rollback");

        assertEquals(0, eu.prune(ChangeLog.KEEP), "nothing is an hour old");
        assertEquals(4, eu.prune(Duration.ofMinutes(-1)), "everything is older than a minute from now");
        assertTrue(eu.after(0).isEmpty());
    }

    private static Seen seen(ChangeLog.Change change) {
        return new Seen(change.region(), change.map(), change.key(), change.deleted());
    }
}
