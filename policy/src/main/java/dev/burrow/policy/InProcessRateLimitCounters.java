package dev.burrow.policy;

import io.vertx.core.Future;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Sliding-window counters in this JVM, one {@link SlidingWindow} per key (two numbers, so memory does not grow with
 * the capacity). Keys idle for two windows are dropped when the map is swept (every {@value #SWEEP_EVERY}
 * acquisitions).
 */
public final class InProcessRateLimitCounters implements RateLimitCounters {
    static final InProcessRateLimitCounters SHARED = new InProcessRateLimitCounters(System::nanoTime);
    private static final int SWEEP_EVERY = 4096;

    private final ConcurrentHashMap<String, SlidingWindow> windows = new ConcurrentHashMap<>();
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
        SlidingWindow counter = windows.computeIfAbsent(key, k -> new SlidingWindow(now, windowNanos, 1_000_000_000L));
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
                return counter.idleAt(now);
            }
        });
    }
}
