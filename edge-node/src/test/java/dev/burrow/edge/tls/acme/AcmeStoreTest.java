package dev.burrow.edge.tls.acme;

import dev.burrow.edge.store.Database;
import dev.burrow.edge.store.StoreSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ACME tables on the tenancy database (the migration runs as at a node's start): a certificate survives closing
 * the database, a renewal replaces its row, the tenant cap counts rows per tenant, the first account key saved wins.
 * And the renewal time: two thirds of the lifetime, jitter within a thirtieth either way.
 */
class AcmeStoreTest {
    @TempDir
    Path dir;

    @Test
    void certificatesAndTheAccountKeySurviveAReopenAndARenewalReplacesTheRow() {
        try (Database database = Database.open(StoreSettings.embedded(), dir)) {
            AcmeStore store = new AcmeStore(database.dataSource());
            assertNull(store.find("web.example.com"));
            store.save(new AcmeStore.StoredCertificate("web.example.com", "t1", "CHAIN-1", "KEY-1", 1_000, 91_000, 1_000));
            store.save(new AcmeStore.StoredCertificate("shop.example.com", "t1", "CHAIN-2", "KEY-2", 1_000, 91_000, 1_000));
            store.save(new AcmeStore.StoredCertificate("other.example.org", "t2", "CHAIN-3", "KEY-3", 1_000, 91_000, 1_000));
            store.save(new AcmeStore.StoredCertificate("web.example.com", "t1", "CHAIN-1b", "KEY-1b", 61_000, 151_000, 61_000));
            assertEquals("first", store.saveAccountKeyIfAbsent("https://ca.example/dir", "first"));
            assertEquals("first", store.saveAccountKeyIfAbsent("https://ca.example/dir", "second"), "the first key saved is kept");
        }
        try (Database database = Database.open(StoreSettings.embedded(), dir)) {
            AcmeStore store = new AcmeStore(database.dataSource());
            AcmeStore.StoredCertificate renewed = store.find("web.example.com");
            assertEquals("CHAIN-1b", renewed.chainPem());
            assertEquals(151_000, renewed.notAfter());
            assertEquals(3, store.all().size());
            assertEquals(2, store.countFor("t1"));
            assertEquals(1, store.countFor("t2"));
            assertEquals(0, store.countFor("t3"));
            assertEquals("first", store.accountKey("https://ca.example/dir"));
            assertNull(store.accountKey("https://other-ca.example/dir"));
        }
    }

    @Test
    void renewalFallsAtTwoThirdsOfTheLifetimeGiveOrTakeAThirtieth() {
        long day = 86_400_000L;
        long notBefore = 1_000 * day;
        long notAfter = notBefore + 90 * day;
        SplittableRandom random = new SplittableRandom(7);
        long earliest = Long.MAX_VALUE;
        long latest = Long.MIN_VALUE;
        for (int i = 0; i < 2_000; i++) {
            long at = RenewalTime.of(notBefore, notAfter, random);
            earliest = Math.min(earliest, at);
            latest = Math.max(latest, at);
        }
        assertTrue(earliest >= notBefore + 57 * day && latest <= notBefore + 63 * day, (earliest - notBefore) / (double) day
                + " .. " + (latest - notBefore) / (double) day);
        assertTrue(latest - earliest > 5 * day, "the jitter spreads renewals over days, not minutes");
        assertEquals(notBefore, RenewalTime.of(notBefore, notBefore, random), "no lifetime: renew at once");
    }
}
