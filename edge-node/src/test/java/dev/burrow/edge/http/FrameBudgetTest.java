package dev.burrow.edge.http;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameBudgetTest {
    private static final long SECOND = 1_000_000_000L;

    /** How many frames the budget takes at {@code now} before it refuses one. */
    private static int takeAll(FrameBudget budget, long now) {
        int taken = 0;
        while (budget.take(now)) {
            taken++;
        }
        return taken;
    }

    @Test
    void theBurstIsTakenAtOnceAndTheNextFrameIsRefused() {
        FrameBudget budget = new FrameBudget(1_000, 100, 1024, 0);
        assertEquals(1_000, takeAll(budget, 0));
        assertFalse(budget.take(0));
    }

    @Test
    void itRefillsAtTheRateAndNeverAboveTheBurst() {
        FrameBudget budget = new FrameBudget(1_000, 100, 1024, 0);
        takeAll(budget, 0);
        assertEquals(50, takeAll(budget, SECOND / 2));
        assertEquals(1_000, takeAll(budget, 3_600 * SECOND));
    }

    @Test
    void aFullBudgetDoesNotSaveUpIdleTime() {
        FrameBudget budget = new FrameBudget(1_000, 100, 1024, 0);
        assertTrue(budget.take(100 * SECOND));
        assertEquals(999, takeAll(budget, 100 * SECOND));
    }

    @Test
    void earnedBytesAndProgressEarnFrames() {
        FrameBudget budget = new FrameBudget(1_000, 100, 1024, 0);
        takeAll(budget, 0);
        budget.earn(1000);
        assertFalse(budget.take(0));
        budget.earn(1000 + 10 * 1024);
        assertEquals(11, takeAll(budget, 0));
        budget.earnOne();
        budget.earnOne();
        assertEquals(2, takeAll(budget, 0));
    }
}
