package dev.burrow.edge.tenancy;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.burrow.edge.cluster.HazelcastSetup;
import dev.burrow.edge.config.ClusterSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The claim lock on a real Hazelcast member: a claim that ran out of lease writes nothing and fails with
 * STORE_UNAVAILABLE (never an IllegalMonitorStateException, a 500), so a claim that checked its lease before writing
 * does not overlap the next one (review M6). Only the tests about an ended lease use a short (1 s) one; a claim that
 * should succeed gets the real lease, so a loaded machine cannot make it fail (review2 L13).
 */
class ClaimLockTest {
    private static HazelcastInstance hazelcast;
    private static IMap<String, String> map;

    @BeforeAll
    static void start() {
        ClusterSettings cluster = ClusterSettings.defaults().withName("claim-lock-test-" + UUID.randomUUID().toString().substring(0, 8));
        hazelcast = Hazelcast.newHazelcastInstance(HazelcastSetup.config(
                new ClusterSettings(cluster.port(), List.of(), cluster.name(), "127.0.0.1", 0, null, null)));
        map = hazelcast.getMap("claims");
    }

    @AfterAll
    static void stop() {
        hazelcast.shutdown();
    }

    /** A lock whose 1 s lease the tests outlive on purpose. */
    private static ClaimLock shortLease(String key) {
        return new ClaimLock(map, key, 5_000, 1_000, 500);
    }

    /** The production lease and write room. */
    private static ClaimLock realLease(String key) {
        return new ClaimLock(map, key);
    }

    @Test
    void aClaimWithinItsLeaseWritesAndUnlocks() {
        assertEquals("done", realLease("fast").run(lease -> {
            lease.beforeWrite();
            map.set("fast-name", "a");
            return "done";
        }));
        assertFalse(map.isLocked("fast"));
    }

    @Test
    void aClaimThatOutlivedItsLeaseIsStoreUnavailableAndTheOtherClaimIsTheOnlyWrite() throws Exception {
        CountDownLatch slowHoldsTheLock = new CountDownLatch(1);
        CompletableFuture<Throwable> slow = CompletableFuture.supplyAsync(() -> {
            try {
                shortLease("slow").run(lease -> {
                    slowHoldsTheLock.countDown();
                    sleep(1_300); // past the lease: the other claim gets the lock meanwhile
                    lease.beforeWrite();
                    map.set("slow-name", "slow");
                    return null;
                });
                return null;
            } catch (RuntimeException e) {
                return e;
            }
        });
        assertTrue(slowHoldsTheLock.await(10, TimeUnit.SECONDS));
        String other = realLease("slow").run(lease -> {
            lease.beforeWrite();
            map.set("slow-name", "other");
            return "other";
        });
        assertEquals("other", other);
        Throwable refused = slow.get(10, TimeUnit.SECONDS);
        TenancyException error = org.junit.jupiter.api.Assertions.assertInstanceOf(TenancyException.class, refused);
        assertEquals(TenancyError.STORE_UNAVAILABLE, error.code(), error.getMessage());
        assertEquals("other", map.get("slow-name"), "the late claim wrote over the other one");
    }

    @Test
    void aLeaseThatEndedBeforeTheUnlockIsStoreUnavailableNotAnInternalError() {
        TenancyException error = assertThrows(TenancyException.class, () -> shortLease("late-unlock").run(lease -> {
            sleep(1_300);
            return "written?";
        }));
        assertEquals(TenancyError.STORE_UNAVAILABLE, error.code(), error.getMessage());
        assertFalse(map.isLocked("late-unlock"));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
