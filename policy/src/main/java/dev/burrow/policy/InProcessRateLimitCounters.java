package dev.burrow.policy;

import io.vertx.core.Future;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Sliding-window counters in this JVM. The window is approximated the usual way (as nginx and Cloudflare do): the
 * count of the current fixed window plus the previous window's count weighted by how much of it still overlaps the
 * sliding window. Two counters per key, so memory does not grow with the capacity. Keys idle for two windows are
 * dropped when the map is swept (every {@value #SWEEP_EVERY} acquisitions).
 */
public final class InProcessRateLimitCounters implements RateLimitCounters {
    static final InProcessRateLimitCounters SHARED = new InProcessRateLimitCounters(System::nanoTime);
    private static final int SWEEP_EVERY = 4096;

    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();
    private final LongSupplier nanoClock;
    private long acquisitions;

    public InProcessRateLimitCounters(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    @Override
    public Future<Decision> acquire(String key, long capacity, Duration window) {
        return Future.succeededFuture(acquireNow(key, capacity, window));
    }

    /** The same decision as {@link #acquire}, without a future. */
    public Decision acquireNow(String key, long capacity, Duration window) {
        long now = nanoClock.getAsLong();
        long windowNanos = window.toNanos();
        sweepSometimes(now);
        Window counter = windows.computeIfAbsent(key, k -> new Window(now, windowNanos));
        synchronized (counter) {
            return counter.acquire(now, capacity);
        }
    }

    private void sweepSometimes(long now) {
        if (++acquisitions % SWEEP_EVERY != 0) {
            return;
        }
        windows.values().removeIf(counter -> {
            synchronized (counter) {
                return now - counter.currentStart > 2 * counter.length;
            }
        });
    }

    private static final class Window {
        private final long length;
        private long currentStart;
        private long current;
        private long previous;

        Window(long now, long length) {
            this.length = length;
            this.currentStart = now;
        }

        Decision acquire(long now, long capacity) {
            roll(now);
            double overlap = 1.0 - (double) (now - currentStart) / length;
            double estimate = previous * overlap + current;
            if (estimate + 1 <= capacity) {
                current++;
                return new Decision(true, (long) Math.floor(capacity - estimate - 1), Duration.ZERO);
            }
            return new Decision(false, 0, retryAfter(now, capacity));
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
                long overlapNanosLeft = (long) (neededOverlap * length);
                wait = Math.min(untilRoll, Math.max(0, (currentStart + length - now) - overlapNanosLeft));
            }
            long seconds = Math.max(1, (wait + 999_999_999L) / 1_000_000_000L);
            return Duration.ofSeconds(seconds);
        }
    }
}
