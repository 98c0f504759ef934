package dev.burrow.edge.link;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RefusalNoticeBudgetTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final RefusalNoticeBudget budget = new RefusalNoticeBudget(now::get);

    @Test
    void aFloodOfRefusalsAtOneInstantIsToldOnlyUpToTheBurst() {
        assertEquals(RefusalNoticeBudget.BURST, taken(10_000));
        assertEquals(10_000 - RefusalNoticeBudget.BURST, budget.dropped());
    }

    @Test
    void aSecondLaterTheLinkIsToldFiftyMoreAndNeverMoreThanTheBurst() {
        taken(10_000);
        now.addAndGet(1_000_000_000L);
        assertEquals(RefusalNoticeBudget.PER_SECOND, taken(10_000));
        now.addAndGet(3_600_000_000_000L);
        assertEquals(RefusalNoticeBudget.BURST, taken(10_000));
    }

    private int taken(int offers) {
        int taken = 0;
        for (int i = 0; i < offers; i++) {
            taken += budget.take() ? 1 : 0;
        }
        return taken;
    }
}
