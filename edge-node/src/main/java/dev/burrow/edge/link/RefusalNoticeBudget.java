package dev.burrow.edge.link;

import java.util.function.LongSupplier;

/**
 * A token bucket for the policy refusals one agent link is told about: a flood of cheap refusals (an IP restriction
 * answering 403 at line rate) must not queue a control frame per request. The inspector is a debugging view, so a
 * refusal over the budget is dropped and counted. Used on the link's context only.
 */
final class RefusalNoticeBudget {
    static final int PER_SECOND = 50;
    static final int BURST = 100;
    private static final long NANOS_PER_TOKEN = 1_000_000_000L / PER_SECOND;

    private final LongSupplier clock;
    private long tokens = BURST;
    private long lastRefill;
    private long dropped;

    RefusalNoticeBudget(LongSupplier clock) {
        this.clock = clock;
        this.lastRefill = clock.getAsLong();
    }

    /** Takes one token if there is one; counts a drop otherwise. */
    boolean take() {
        refill();
        if (tokens == 0) {
            dropped++;
            return false;
        }
        tokens--;
        return true;
    }

    /** Counts a refusal dropped for another reason (the link's write queue was full). */
    void countDropped() {
        dropped++;
    }

    long dropped() {
        return dropped;
    }

    private void refill() {
        long now = clock.getAsLong();
        long earned = (now - lastRefill) / NANOS_PER_TOKEN;
        if (earned > 0) {
            tokens = Math.min(BURST, tokens + earned);
            lastRefill += earned * NANOS_PER_TOKEN;
        }
    }
}
