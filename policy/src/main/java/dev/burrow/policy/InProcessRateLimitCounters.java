package dev.burrow.policy;

import io.vertx.core.Future;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Sliding-window counters in this JVM ({@link SlidingWindow}'s estimate). Two counters per key, so memory does not
 * grow with the capacity. Keys idle for two windows are dropped when the map is swept (every {@value #SWEEP_EVERY}
 * acquisitions).
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
            if (SlidingWindow.hasRoom(previous, current, overlap, capacity)) {
                long remaining = SlidingWindow.remainingAfterOne(previous, current, overlap, capacity);
                current++;
                return new Decision(true, remaining, Duration.ZERO);
            }
            return new Decision(false, 0,
                    SlidingWindow.retryAfter(previous, current, capacity, currentStart + length - now, length));
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
    }
}
