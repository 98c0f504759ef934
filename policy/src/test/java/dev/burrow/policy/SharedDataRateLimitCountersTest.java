package dev.burrow.policy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared-data counters on a local Vert.x (the same map API a clustered Vert.x makes cluster-wide). */
class SharedDataRateLimitCountersTest {
    private static final Duration MINUTE = Duration.ofSeconds(60);
    private final Vertx vertx = Vertx.vertx();
    private final AtomicLong millis = new AtomicLong(1_800_000_000_000L);

    @AfterEach
    void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    private RateLimitCounters.Decision acquire(RateLimitCounters counters, String key, long capacity) throws Exception {
        return counters.acquire(key, capacity, MINUTE).await(10, TimeUnit.SECONDS);
    }

    @Test
    void twoNodesSharingTheMapShareTheCapacity() throws Exception {
        RateLimitCounters nodeA = new SharedDataRateLimitCounters(vertx, millis::get);
        RateLimitCounters nodeB = new SharedDataRateLimitCounters(vertx, millis::get);
        int allowed = 0;
        for (int i = 0; i < 10; i++) {
            allowed += acquire(i % 2 == 0 ? nodeA : nodeB, "ep|k", 6).allowed() ? 1 : 0;
        }
        assertEquals(6, allowed);
        RateLimitCounters.Decision refused = acquire(nodeA, "ep|k", 6);
        assertFalse(refused.allowed());
        assertTrue(refused.retryAfter().toSeconds() >= 1 && refused.retryAfter().toSeconds() <= 60);
        assertTrue(acquire(nodeB, "ep|other", 6).allowed());
    }

    @Test
    void concurrentAcquisitionsNeverExceedTheCapacity() throws Exception {
        RateLimitCounters counters = new SharedDataRateLimitCounters(vertx, millis::get);
        List<Future<RateLimitCounters.Decision>> all = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            all.add(counters.acquire("ep|burst", 10, MINUTE));
        }
        Future.join(all).await(20, TimeUnit.SECONDS);
        long allowed = all.stream().filter(f -> f.succeeded() && f.result().allowed()).count();
        assertTrue(allowed <= 10 && allowed >= 1, "allowed " + allowed);
    }

    @Test
    void theWindowSlides() throws Exception {
        RateLimitCounters counters = new SharedDataRateLimitCounters(vertx, millis::get);
        millis.set(60_000L * 30_000_000L);
        for (int i = 0; i < 10; i++) {
            assertTrue(acquire(counters, "ep|s", 10).allowed());
        }
        assertFalse(acquire(counters, "ep|s", 10).allowed());
        millis.addAndGet(90_000);
        int allowed = 0;
        for (int i = 0; i < 10; i++) {
            allowed += acquire(counters, "ep|s", 10).allowed() ? 1 : 0;
        }
        assertEquals(5, allowed);
    }
}
