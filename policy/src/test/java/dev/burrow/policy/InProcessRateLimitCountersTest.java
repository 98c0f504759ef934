package dev.burrow.policy;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InProcessRateLimitCountersTest {
    private static final Duration MINUTE = Duration.ofSeconds(60);
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final InProcessRateLimitCounters counters = new InProcessRateLimitCounters(nanos::get);

    private void advanceSeconds(double seconds) {
        nanos.addAndGet((long) (seconds * 1e9));
    }

    @Test
    void theCapacityHoldsWithinTheWindowAndTheWindowSlides() {
        for (int i = 0; i < 10; i++) {
            assertTrue(counters.acquireNow("k", 10, MINUTE).allowed(), "request " + i);
        }
        RateLimitCounters.Decision refused = counters.acquireNow("k", 10, MINUTE);
        assertFalse(refused.allowed());
        assertEquals(60, refused.retryAfter().toSeconds());
        advanceSeconds(60 + 30);
        int allowed = 0;
        for (int i = 0; i < 10; i++) {
            allowed += counters.acquireNow("k", 10, MINUTE).allowed() ? 1 : 0;
        }
        assertEquals(5, allowed, "half the previous window still weighs on the sliding window");
        advanceSeconds(120);
        assertTrue(counters.acquireNow("k", 10, MINUTE).allowed());
    }

    @Test
    void keysAreCountedApart() {
        assertTrue(counters.acquireNow("a", 1, MINUTE).allowed());
        assertFalse(counters.acquireNow("a", 1, MINUTE).allowed());
        assertTrue(counters.acquireNow("b", 1, MINUTE).allowed());
    }

    @Test
    void retryAfterIsWhenTheSlidingEstimateHasRoomAgain() {
        for (int i = 0; i < 10; i++) {
            counters.acquireNow("k", 10, MINUTE);
        }
        advanceSeconds(60);
        RateLimitCounters.Decision refused = counters.acquireNow("k", 10, MINUTE);
        assertFalse(refused.allowed());
        assertEquals(6, refused.retryAfter().toSeconds(), "10 * (1 - 6/60) = 9 < 10");
    }
}
