package dev.burrow.agent.internal;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackoffTest {

    @Test
    void boundsDoubleFrom200msUpToTheCap() {
        Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30), () -> 0.999999);
        long[] expected = {200, 400, 800, 1600, 3200, 6400, 12800, 25600, 30000, 30000, 30000};
        for (long bound : expected) {
            assertEquals(bound, backoff.currentBoundMillis());
            assertEquals(bound, backoff.nextDelay().toMillis());
        }
    }

    @Test
    void fullJitterStaysWithinFloorAndBound() {
        Random random = new Random(42);
        Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30), random::nextDouble);
        long min = Long.MAX_VALUE;
        for (int i = 0; i < 10_000; i++) {
            long bound = backoff.currentBoundMillis();
            long delay = backoff.nextDelay().toMillis();
            assertTrue(delay >= Backoff.FLOOR_MILLIS && delay <= bound, "delay " + delay + " outside [50, " + bound + "]");
            assertTrue(delay <= 30_000);
            min = Math.min(min, delay);
            if (i % 20 == 19) {
                backoff.reset();
            }
        }
        assertTrue(min < 100, "full jitter should reach near the floor, saw min " + min);
    }

    @Test
    void lowestRandomGivesTheFloor() {
        Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30), () -> 0.0);
        assertEquals(Backoff.FLOOR_MILLIS, backoff.nextDelay().toMillis());
    }

    @Test
    void resetStartsOver() {
        Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30), () -> 0.5);
        for (int i = 0; i < 50; i++) {
            backoff.nextDelay();
        }
        assertEquals(30_000, backoff.currentBoundMillis());
        assertEquals(50, backoff.attempts());
        backoff.reset();
        assertEquals(200, backoff.currentBoundMillis());
        assertEquals(0, backoff.attempts());
    }
}
