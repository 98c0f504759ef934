package dev.burrow.edge.registry;

import com.hazelcast.map.IMap;
import io.vertx.core.Future;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The registry's read side: answers from this node's copy of the records when it has one (kept current by the map's
 * entry events, so a public request costs no call into Hazelcast), from the map itself on a miss, and remembers a
 * miss for {@link #MISS_TTL_NANOS} so that a name nobody serves here does not cost a round trip per request.
 */
final class RegistryLookups {
    static final long MISS_TTL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int MAX_MISSES = 10_000;

    private final IMap<String, EndpointRecord> endpoints;
    private final IMap<String, String> keysById;
    private volatile Function<String, EndpointRecord> localView;
    private volatile Function<String, String> localKeys;
    /**
     * Keys that neither this node's copy nor Hazelcast had, until when (nanos). A hostname served by another region (or
     * by nobody) is always a miss of the copy; without this every such request cost a Hazelcast round trip.
     */
    private final Map<String, Long> misses = new ConcurrentHashMap<>();

    RegistryLookups(IMap<String, EndpointRecord> endpoints, IMap<String, String> keysById) {
        this.endpoints = endpoints;
        this.keysById = keysById;
    }

    void useLocalView(Function<String, EndpointRecord> view) {
        this.localView = view;
    }

    void useLocalKeys(Function<String, String> keyById) {
        this.localKeys = keyById;
    }

    /** A bind here claimed {@code key}: it is no miss any more. */
    void forgetMiss(String key) {
        misses.remove(key);
    }

    Future<Endpoint> byKey(String key) {
        Function<String, EndpointRecord> view = localView;
        EndpointRecord local = view == null ? null : view.apply(key);
        if (local != null) {
            return Future.succeededFuture(local.toEndpoint());
        }
        if (view == null) {
            return stored(key);
        }
        // The copy lags a bind on another node by its event's delay only: a miss is asked of Hazelcast once per TTL.
        Long until = misses.get(key);
        long now = System.nanoTime();
        if (until != null && until - now > 0) {
            return Future.succeededFuture();
        }
        return stored(key).map(endpoint -> {
            if (endpoint == null) {
                if (misses.size() >= MAX_MISSES) {
                    misses.clear();
                }
                misses.put(key, System.nanoTime() + MISS_TTL_NANOS);
                return null;
            }
            misses.remove(key);
            return endpoint;
        });
    }

    Future<Endpoint> byId(String endpointId) {
        Function<String, String> keys = localKeys;
        Function<String, EndpointRecord> view = localView;
        String localKey = keys == null ? null : keys.apply(endpointId);
        EndpointRecord local = localKey == null || view == null ? null : view.apply(localKey);
        if (local != null && local.id().equals(endpointId)) {
            return Future.succeededFuture(local.toEndpoint());
        }
        return Future.fromCompletionStage(keysById.getAsync(endpointId))
                .compose(key -> key == null ? Future.succeededFuture(null) : byKey(key))
                .map(endpoint -> endpoint != null && endpoint.id().equals(endpointId) ? endpoint : null);
    }

    /** The map key of an endpoint id: from this node's copy when it has it, else from the id index; null if unknown. */
    Future<String> keyOf(String endpointId) {
        Function<String, String> keys = localKeys;
        String localKey;
        try {
            localKey = keys == null ? null : keys.apply(endpointId);
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
        return localKey != null ? Future.succeededFuture(localKey) : Future.fromCompletionStage(keysById.getAsync(endpointId));
    }

    /** What the map holds under {@code endpoint}'s key, past this node's copy (see {@link EndpointRegistry#current}). */
    Future<Endpoint> current(Endpoint endpoint) {
        return stored(endpoint.key());
    }

    private Future<Endpoint> stored(String key) {
        return Future.fromCompletionStage(endpoints.getAsync(key)).map(r -> r == null ? null : r.toEndpoint());
    }
}
