package dev.burrow.policy;

import java.time.Duration;

/**
 * The sliding-window estimate both counter implementations use (as nginx and Cloudflare do): the current fixed
 * window's count plus the previous window's count weighted by the share of it the sliding window still covers.
 */
public final class SlidingWindow {
    private SlidingWindow() {
    }

    /** Whether one more event fits: {@code previous * overlap + current + 1 <= capacity}. */
    public static boolean hasRoom(long previous, long current, double overlap, long capacity) {
        return previous * overlap + current + 1 <= capacity;
    }

    public static long remainingAfterOne(long previous, long current, double overlap, long capacity) {
        return Math.max(0, (long) Math.floor(capacity - (previous * overlap + current) - 1));
    }

    /**
     * How long until one more event fits, rounded up to whole seconds (at least one): when the previous window's
     * weight has shrunk enough, or else when the current window ends.
     */
    public static Duration retryAfter(long previous, long current, long capacity, long nanosLeftInWindow, long windowNanos) {
        long wait = nanosLeftInWindow;
        if (previous > 0 && current + 1 <= capacity) {
            double neededOverlap = (capacity - 1 - current) / (double) previous;
            wait = Math.min(nanosLeftInWindow, Math.max(0, nanosLeftInWindow - (long) (neededOverlap * windowNanos)));
        }
        return Duration.ofSeconds(Math.max(1, (wait + 999_999_999L) / 1_000_000_000L));
    }
}
