package dev.burrow.edge.cluster;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.burrow.edge.config.ClusterSettings;
import dev.burrow.policy.SessionKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The login actions' cluster store on a real Hazelcast member, seen by two stores as two nodes would: one key ring for
 * both, a due rotation adding one key and keeping the older ones, and a login completed once across both.
 */
class ClusterAuthSessionStoreTest {
    private static HazelcastInstance hazelcast;
    private static Vertx vertx;

    @BeforeAll
    static void start() {
        ClusterSettings cluster = ClusterSettings.defaults().withName("login-store-test-" + UUID.randomUUID().toString().substring(0, 8));
        hazelcast = Hazelcast.newHazelcastInstance(HazelcastSetup.config(
                new ClusterSettings(cluster.port(), List.of(), cluster.name(), "127.0.0.1", 0, null, null)));
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.close().await();
        hazelcast.shutdown();
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void twoNodesShareOneKeyRingAndADueRotationKeepsTheOlderKeys() throws Exception {
        hazelcast.getMap(ClusterAuthSessionStore.KEYS_MAP).clear();
        SessionKeys first = await(new ClusterAuthSessionStore(vertx, hazelcast).keys());
        SessionKeys second = await(new ClusterAuthSessionStore(vertx, hazelcast).keys());
        assertEquals(1, first.keys().size());
        assertEquals(first.newest().id(), second.newest().id(), "node 2 seals and opens with node 1's key");

        long dayAgo = System.currentTimeMillis() - SessionKeys.ROTATE_EVERY_MILLIS - 1_000;
        SessionKeys.Key old = new SessionKeys.Key(first.newest().id(), first.newest().secret(), dayAgo);
        hazelcast.getMap(ClusterAuthSessionStore.KEYS_MAP).set("ring", new ClusterAuthSessionStore.StoredRing(new ArrayList<>(List.of(old))));
        SessionKeys rotated = await(new ClusterAuthSessionStore(vertx, hazelcast).keys());
        SessionKeys seenByTheOther = await(new ClusterAuthSessionStore(vertx, hazelcast).keys());
        assertEquals(2, rotated.keys().size(), "one new key, the old one kept");
        assertNotEquals(old.id(), rotated.newest().id());
        assertEquals(old.id(), rotated.keys().get(1).id(), "cookies sealed before the rotation still open");
        assertEquals(rotated.newest().id(), seenByTheOther.newest().id(), "one rotation for the cluster, not one per node");
    }

    @Test
    void aLoginIsCompletedOnceAcrossNodes() throws Exception {
        ClusterAuthSessionStore node1 = new ClusterAuthSessionStore(vertx, hazelcast);
        ClusterAuthSessionStore node3 = new ClusterAuthSessionStore(vertx, hazelcast);
        String login = "oidc:" + UUID.randomUUID();
        assertTrue(await(node1.claimOnce(login, Duration.ofMinutes(10))));
        assertFalse(await(node3.claimOnce(login, Duration.ofMinutes(10))), "replayed through another node");
        assertFalse(await(node1.claimOnce(login, Duration.ofMinutes(10))));
    }
}
