package dev.burrow.policy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Sliding-window counters in Vert.x shared data: with a clustered Vert.x (Hazelcast) the map is cluster-wide, so a
 * capacity holds across every node that serves the endpoint. Each key keeps one count per fixed window, stored under
 * {@code key#windowIndex} with a time-to-live of two windows, and the {@link SlidingWindow} estimate weighs the previous
 * window in. Windows are numbered from the wall clock, so nodes agree on them as far as their clocks agree.
 *
 * <p>A count is taken with compare-and-set (put-if-absent, replace-if-present), retried up to {@value #ATTEMPTS} times
 * when another node counted in between; a request that still cannot be counted is refused with Retry-After 1, so the
 * capacity is never exceeded by contention. Three map calls per request: for a busy endpoint, the price of a limit
 * that holds across the cluster.
 */
public final class SharedDataRateLimitCounters implements RateLimitCounters {
    static final String MAP_NAME = "burrow.policy.rate-limits";
    private static final int ATTEMPTS = 8;

    private final Vertx vertx;
    private final LongSupplier wallClockMillis;
    private Future<AsyncMap<String, Long>> map;

    public SharedDataRateLimitCounters(Vertx vertx) {
        this(vertx, System::currentTimeMillis);
    }

    SharedDataRateLimitCounters(Vertx vertx, LongSupplier wallClockMillis) {
        this.vertx = vertx;
        this.wallClockMillis = wallClockMillis;
    }

    @Override
    public Future<Decision> acquire(String key, long capacity, Duration window) {
        return map().compose(counts -> attempt(counts, key, capacity, window.toMillis(), 1));
    }

    private synchronized Future<AsyncMap<String, Long>> map() {
        if (map == null || map.failed()) {
            map = vertx.sharedData().getAsyncMap(MAP_NAME);
        }
        return map;
    }

    private Future<Decision> attempt(AsyncMap<String, Long> counts, String key, long capacity, long windowMillis,
                                     int attempt) {
        long now = wallClockMillis.getAsLong();
        long index = now / windowMillis;
        long intoWindow = now - index * windowMillis;
        double overlap = 1.0 - (double) intoWindow / windowMillis;
        String currentKey = key + "#" + index;
        Future<Long> previous = counts.get(key + "#" + (index - 1));
        Future<Long> current = counts.get(currentKey);
        return Future.all(previous, current).compose(both -> {
            long before = orZero(previous.result());
            Long stored = current.result();
            long counted = orZero(stored);
            if (!SlidingWindow.hasRoom(before, counted, overlap, capacity)) {
                return Future.succeededFuture(new Decision(false, 0, SlidingWindow.retryAfter(before, counted, capacity,
                        (windowMillis - intoWindow) * 1_000_000L, windowMillis * 1_000_000L)));
            }
            long ttl = 2 * windowMillis + 1000;
            Future<Boolean> written = stored == null
                    ? counts.putIfAbsent(currentKey, 1L, ttl).map(existing -> existing == null)
                    : counts.replaceIfPresent(currentKey, stored, stored + 1, ttl);
            return written.compose(won -> {
                if (won) {
                    return Future.succeededFuture(new Decision(true,
                            SlidingWindow.remainingAfterOne(before, counted, overlap, capacity), Duration.ZERO));
                }
                if (attempt < ATTEMPTS) {
                    return attempt(counts, key, capacity, windowMillis, attempt + 1);
                }
                return Future.succeededFuture(new Decision(false, 0, Duration.ofSeconds(1)));
            });
        });
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }
}
