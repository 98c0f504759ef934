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

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code rate-limit} action's counters for the whole cluster: each bucket is one entry of a Hazelcast map, counted
 * by an entry processor on the member that owns its partition, so every node serving an endpoint draws on the same
 * capacity (ngrok's holds per edge server). One asynchronous map call per counted request, only for endpoints whose
 * policy has a rate-limit. Windows start on multiples of their length in the owner's clock, and an entry expires two
 * windows after its last event, so a flood of distinct bucket keys costs memory for two windows at most.
 */
public final class ClusterRateLimitCounters implements RateLimitCounters {
    static final String MAP = "burrow-rate-limit-windows";

    private final Vertx vertx;
    private final IMap<String, SlidingWindow> windows;

    public ClusterRateLimitCounters(Vertx vertx, HazelcastInstance hazelcast) {
        this.vertx = vertx;
        this.windows = hazelcast.getMap(MAP);
    }

    @Override
    public Future<Decision> acquire(String key, long capacity, Duration window) {
        Context context = vertx.getOrCreateContext();
        return Future.fromCompletionStage(windows.submitToKey(key, new Acquire(capacity, window.toMillis())), context);
    }

    /** Runs on the partition owner: rolls and counts the bucket, writes it back with its expiry. */
    record Acquire(long capacity, long windowMillis) implements EntryProcessor<String, SlidingWindow, Decision> {
        @Override
        public Decision process(Map.Entry<String, SlidingWindow> entry) {
            long now = System.currentTimeMillis();
            SlidingWindow window = entry.getValue();
            if (window == null || window.idleAt(now)) {
                window = new SlidingWindow(now - now % windowMillis, windowMillis, 1_000);
            }
            Decision decision = window.acquire(now, capacity);
            ((ExtendedMapEntry<String, SlidingWindow>) entry).setValue(window, 2 * windowMillis, TimeUnit.MILLISECONDS);
            return decision;
        }
    }
}
