package dev.burrow.agent.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * Reconnect delays: exponential with full jitter. Attempt {@code n} (from 0) waits a uniformly random time in
 * {@code [floor, min(cap, initial * 2^n)]}, where the floor ({@value #FLOOR_MILLIS} ms, or the bound if smaller)
 * keeps a crowd of agents from hammering a restarting edge. {@link #reset()} after a stable link starts over.
 * Not thread-safe: owned by one session.
 */
public final class Backoff {
    public static final long FLOOR_MILLIS = 50;

    private final long initialMillis;
    private final long capMillis;
    private final DoubleSupplier random;
    private int attempt;

    /**
     * @param random a source of uniform values in [0, 1), for example {@code ThreadLocalRandom.current()::nextDouble}
     */
    public Backoff(Duration initial, Duration cap, DoubleSupplier random) {
        this.initialMillis = Math.max(1, initial.toMillis());
        this.capMillis = Math.max(initialMillis, cap.toMillis());
        this.random = Objects.requireNonNull(random, "random");
    }

    /** The bound of the next delay, before jitter. */
    public long currentBoundMillis() {
        int shift = Math.min(attempt, 40);
        long bound = initialMillis << shift;
        return bound <= 0 || bound > capMillis ? capMillis : bound;
    }

    /** The delay before the next attempt; each call moves one step up the schedule. */
    public Duration nextDelay() {
        long bound = currentBoundMillis();
        attempt++;
        long floor = Math.min(FLOOR_MILLIS, bound);
        long delay = floor + (long) (random.getAsDouble() * (bound - floor + 1));
        return Duration.ofMillis(Math.min(delay, bound));
    }

    /** Failed attempts since the last reset. */
    public int attempts() {
        return attempt;
    }

    /** Starts over from the initial bound (called once a link has been stable for a while). */
    public void reset() {
        attempt = 0;
    }
}
