package dev.burrow.edge.region;

import dev.burrow.edge.config.HostPort;
import dev.burrow.edge.store.Database;
import dev.burrow.edge.store.StoreSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A clean stop waits for a refresh in flight, so the heartbeat cannot bring the row back after the delete (review2 L12). */
class RegionDiscoveryTest {
    @TempDir
    Path dir;
    private final Vertx vertx = Vertx.vertx();
    private Database database;

    @AfterEach
    void close() {
        vertx.close().await();
        if (database != null) {
            database.close();
        }
    }

    @Test
    void aStopDuringARefreshLeavesNoRowBehind() throws Exception {
        database = Database.open(StoreSettings.embedded(), dir);
        RegionNodeTable table = new RegionNodeTable(database.dataSource());
        CountDownLatch refreshing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        RegionDiscovery discovery = new RegionDiscovery(vertx, table, "eu", "eu-1", () -> new HostPort("127.0.0.1", 7000), () -> {
            refreshing.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Map.of(20022, new PublishedPort("ep-a", "t1"));
        }, others -> { });
        Future<Void> refresh = discovery.refreshNow();
        assertTrue(refreshing.await(10, TimeUnit.SECONDS), "the refresh began");
        Thread stopper = new Thread(discovery::stopBlocking);
        stopper.start();
        stopper.join(300);
        assertTrue(stopper.isAlive(), "the stop waits for the refresh in flight");
        release.countDown();
        stopper.join(10_000);
        assertFalse(stopper.isAlive());
        refresh.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(List.of(), table.live(Duration.ofMinutes(1), Duration.ofHours(1)), "the row is gone after the stop");
        discovery.refreshNow().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(List.of(), table.live(Duration.ofMinutes(1), Duration.ofHours(1)), "a stopped node does not register again");
    }

    @Test
    void whileTheDatabaseIsDownTheRegionsItKnewStay() throws Exception {
        database = Database.open(StoreSettings.embedded(), dir);
        RegionNodeTable table = new RegionNodeTable(database.dataSource());
        new RegionNodeTable(database.dataSource()).heartbeat("us", "us-1", "127.0.0.1", 7001,
                Map.of(20022, new PublishedPort("ep-a", "t1")));
        List<List<RegionNodeTable.RegionNode>> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        RegionDiscovery discovery = new RegionDiscovery(vertx, table, "eu", "eu-1", () -> new HostPort("127.0.0.1", 7000),
                Map::of, told::add);
        discovery.refreshNow().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(1, told.size());
        assertEquals("us", told.get(0).get(0).region());
        assertEquals(Map.of(20022, new PublishedPort("ep-a", "t1")), told.get(0).get(0).tcpPorts());

        database.close();
        database = null;
        discovery.refreshNow().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals(1, told.size(), "a failed read tells nobody that the regions are gone");
        assertEquals(2, discovery.nodes().size(), "the last answer stays: " + discovery.nodes());
    }
}
