package dev.burrow.edge.store;

import dev.burrow.edge.tls.acme.AcmeStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The embedded database keeps every committed row through an unclean stop. {@code SHUTDOWN IMMEDIATELY} leaves the
 * file as a SIGKILL does (every commit's chunk written, no clean mark, the header as the last commit left it), and a
 * retention time of 1 s lets new chunks go into the space of old ones after 1 s, as they do 45 s after a node started.
 * Without the recovery, H2 2.5.252 opened such files at an older version (the control below counts what it sees).
 */
class H2UncleanStopRecoveryTest {
    private static final int ROWS = 3;
    /** H2's retention time in this test (45 s by default): chunks older than this may be overwritten. */
    private static final long RETENTION_MILLIS = 1_000;

    @TempDir
    Path dir;

    @Test
    void rowsCommittedIntoReusedSpaceAreThereAfterAnUncleanStop() throws Exception {
        StoreSettings shortRetention = new StoreSettings(StoreSettings.embedded().effectiveUrl(dir) + ";RETENTION_TIME="
                + RETENTION_MILLIS, null, null);
        try (Database database = Database.open(shortRetention, dir)) {
            AcmeStore store = new AcmeStore(database.dataSource());
            // Chunk space is reused by age (no event to await): past the retention time, the chunks the migrations
            // left behind are free, and the saves below go into their space.
            Thread.sleep(RETENTION_MILLIS + 500);
            for (int i = 1; i <= ROWS; i++) {
                store.save(new AcmeStore.StoredCertificate("n" + i + ".example.com", "t1", "C".repeat(3_000), "K", i, i + 1, i));
            }
            stopWithoutClosing(database);
        }
        Path file = dir.resolve(StoreSettings.H2_FILE + ".mv.db");
        assertFalse(H2UncleanStopRecovery.closedCleanly(file), "no clean mark after SHUTDOWN IMMEDIATELY");
        Path control = Files.createDirectories(dir.resolve("control"));
        Files.copy(file, control.resolve("copy.mv.db"));

        try (Database database = Database.open(shortRetention, dir)) {
            assertEquals(ROWS, new AcmeStore(database.dataSource()).all().size(), "every committed row after the unclean stop");
        }
        assertTrue(H2UncleanStopRecovery.closedCleanly(file), "closed cleanly this time");
        System.out.printf("H2 unclean stop: %d of %d rows with the recovery; H2 2.5.252 alone opened the same file with %d%n",
                ROWS, ROWS, rowsSeenByH2Alone(control.resolve("copy")));
    }

    @Test
    void aCleanlyClosedDatabaseIsOpenedWithoutAScan() {
        try (Database database = Database.open(StoreSettings.embedded(), dir)) {
            new AcmeStore(database.dataSource()).save(new AcmeStore.StoredCertificate("a.example.com", "t1", "C", "K", 1, 2, 1));
        }
        Path file = dir.resolve(StoreSettings.H2_FILE + ".mv.db");
        assertTrue(H2UncleanStopRecovery.closedCleanly(file));
        assertFalse(H2UncleanStopRecovery.recoverIfNotClosed(file));
        assertFalse(H2UncleanStopRecovery.recoverIfNotClosed(dir.resolve("absent.mv.db")));
    }

    @Test
    void theFileOfAnH2FileUrl() {
        assertEquals(Path.of("/data/tenancy.mv.db"), H2UncleanStopRecovery.fileOf("jdbc:h2:file:/data/tenancy;WRITE_DELAY=0"));
        assertEquals(Path.of("/data/x.mv.db"), H2UncleanStopRecovery.fileOf("jdbc:h2:/data/x"));
        assertEquals(Path.of(System.getProperty("user.home"), "db.mv.db"), H2UncleanStopRecovery.fileOf("jdbc:h2:file:~/db"));
        assertNull(H2UncleanStopRecovery.fileOf("jdbc:h2:tcp://127.0.0.1:9092/shared"));
        assertNull(H2UncleanStopRecovery.fileOf("jdbc:h2:mem:x"));
        assertNull(H2UncleanStopRecovery.fileOf("jdbc:postgresql://db:5432/burrow"));
    }

    /** Closes the H2 database as a kill would leave it: no final commit, no clean mark. */
    private static void stopWithoutClosing(Database database) throws Exception {
        Connection connection = database.dataSource().getConnection();
        try (Statement statement = connection.createStatement()) {
            statement.execute("SHUTDOWN IMMEDIATELY");
        }
        try {
            connection.close();
        } catch (SQLException expected) {
            // the pool resets the connection it gets back, and the database is gone
        }
    }

    private static int rowsSeenByH2Alone(Path fileWithoutSuffix) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:h2:file:" + fileWithoutSuffix);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM acme_certificates")) {
            rows.next();
            return rows.getInt(1);
        }
    }
}
