package dev.burrow.edge.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.map.IMap;
import dev.burrow.policy.RateLimitCounters;
import dev.burrow.policy.SlidingWindow;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.io.Serializable;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code rate-limit} action's counters for the whole cluster: each bucket is one entry of a Hazelcast map, counted
 * by an entry processor on the member that owns its partition, so every node serving an endpoint draws on the same
 * capacity, atomically: one asynchronous map call per counted request, only for endpoints whose policy has a
 * rate-limit. Windows start on multiples of their length in the owner's clock, and an entry expires two windows after
 * its last event, so a flood of distinct bucket keys costs memory for two windows at most.
 */
public final class ClusterRateLimitCounters implements RateLimitCounters {
    static final String MAP = "burrow-rate-limit-windows";

    private final Vertx vertx;
    private final IMap<String, Counts> windows;

    public ClusterRateLimitCounters(Vertx vertx, HazelcastInstance hazelcast) {
        this.vertx = vertx;
        this.windows = hazelcast.getMap(MAP);
    }

    @Override
    public Future<Decision> acquire(String key, long capacity, Duration window) {
        Context context = vertx.getOrCreateContext();
        return Future.fromCompletionStage(windows.submitToKey(key, new Acquire(capacity, window.toMillis())), context);
    }

    /** A bucket: the index of its current fixed window and the counts of that window and the one before. */
    record Counts(long index, long current, long previous) implements Serializable {
        Counts at(long nowIndex) {
            if (nowIndex == index) {
                return this;
            }
            return new Counts(nowIndex, 0, nowIndex == index + 1 ? current : 0);
        }
    }

    /** Runs on the partition owner: rolls and counts the bucket, writes it back with its expiry. */
    record Acquire(long capacity, long windowMillis) implements EntryProcessor<String, Counts, Decision> {
        @Override
        public Decision process(Map.Entry<String, Counts> entry) {
            long now = System.currentTimeMillis();
            long index = now / windowMillis;
            long intoWindow = now - index * windowMillis;
            double overlap = 1.0 - (double) intoWindow / windowMillis;
            Counts counts = entry.getValue() == null ? new Counts(index, 0, 0) : entry.getValue().at(index);
            if (!SlidingWindow.hasRoom(counts.previous(), counts.current(), overlap, capacity)) {
                return new Decision(false, 0, SlidingWindow.retryAfter(counts.previous(), counts.current(), capacity,
                        (windowMillis - intoWindow) * 1_000_000L, windowMillis * 1_000_000L));
            }
            Decision decision = new Decision(true,
                    SlidingWindow.remainingAfterOne(counts.previous(), counts.current(), overlap, capacity), Duration.ZERO);
            ((ExtendedMapEntry<String, Counts>) entry).setValue(
                    new Counts(index, counts.current() + 1, counts.previous()), 2 * windowMillis, TimeUnit.MILLISECONDS);
            return decision;
        }
    }
}
