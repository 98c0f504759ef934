package dev.burrow.policy;

import java.io.Serializable;
import java.time.Duration;

/**
 * One rate-limit bucket: the count of the current fixed window plus the previous window's count weighted by how much of
 * it still overlaps the sliding window (as nginx and Cloudflare approximate it). Two counters, whatever the capacity.
 * Times are in any unit the caller keeps consistent (nanoseconds in one process, epoch milliseconds across a cluster,
 * where windows start on multiples of their length so every node agrees where they start). Not thread-safe.
 */
public final class SlidingWindow implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long length;
    private final long unitsPerSecond;
    private long currentStart;
    private long current;
    private long previous;

    /** A window of {@code length} time units starting at {@code start}; {@code unitsPerSecond} converts for Retry-After. */
    public SlidingWindow(long start, long length, long unitsPerSecond) {
        this.length = length;
        this.unitsPerSecond = unitsPerSecond;
        this.currentStart = start;
    }

    /** Counts one event at {@code now} if the window has room for it. */
    public RateLimitCounters.Decision acquire(long now, long capacity) {
        roll(now);
        double overlap = 1.0 - (double) (now - currentStart) / length;
        double estimate = previous * overlap + current;
        if (estimate + 1 <= capacity) {
            current++;
            return new RateLimitCounters.Decision(true, (long) Math.floor(capacity - estimate - 1), Duration.ZERO);
        }
        return new RateLimitCounters.Decision(false, 0, retryAfter(now, capacity));
    }

    /** Whether nothing counted in it can matter any more at {@code now} (two windows without an event). */
    public boolean idleAt(long now) {
        return now - currentStart > 2 * length;
    }

    private void roll(long now) {
        long elapsed = now - currentStart;
        if (elapsed < length) {
            return;
        }
        long windowsPassed = elapsed / length;
        previous = windowsPassed == 1 ? current : 0;
        current = 0;
        currentStart += windowsPassed * length;
    }

    /** When the weighted estimate drops below the capacity (or the current window ends), rounded up to seconds. */
    private Duration retryAfter(long now, long capacity) {
        long untilRoll = currentStart + length - now;
        long wait = untilRoll;
        if (previous > 0 && current + 1 <= capacity) {
            double neededOverlap = (capacity - 1 - current) / (double) previous;
            long overlapLeft = (long) (neededOverlap * length);
            wait = Math.min(untilRoll, Math.max(0, (currentStart + length - now) - overlapLeft));
        }
        long seconds = Math.max(1, (wait + unitsPerSecond - 1) / unitsPerSecond);
        return Duration.ofSeconds(seconds);
    }
}
