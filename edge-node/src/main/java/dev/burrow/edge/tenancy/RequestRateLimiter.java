package dev.burrow.edge.tenancy;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import dev.burrow.edge.http.EndpointAdmission;
import dev.burrow.edge.registry.Endpoint;
import io.vertx.core.Vertx;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The requests/s quota per endpoint, enforced on each node: a token bucket per endpoint (a burst of one second's
 * worth, refilled continuously), sized by its tenant's {@link Quotas#maxRequestsPerSecond()}. Tenants' limits are
 * mirrored from the tenants map by its entry events, so a public request costs no call into Hazelcast; an endpoint
 * of a tenant without the quota costs one map lookup. Idle buckets are dropped every minute.
 */
public final class RequestRateLimiter implements EndpointAdmission, AutoCloseable {
    private static final long IDLE_NANOS = 60_000_000_000L;

    private final Vertx vertx;
    private final IMap<String, Tenant> tenants;
    private final Map<String, Integer> limits = new ConcurrentHashMap<>();
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private volatile UUID listener;
    private volatile long sweeper = -1;

    public RequestRateLimiter(Vertx vertx, HazelcastInstance hazelcast) {
        this.vertx = vertx;
        this.tenants = hazelcast.getMap(TenantStore.TENANTS_MAP);
    }

    /** Starts mirroring the tenants' limits. Blocking (registers a listener, reads every tenant once). */
    public void startBlocking() {
        listener = tenants.addEntryListener(new Mirror(), true);
        tenants.values().forEach(this::remember);
        sweeper = vertx.setPeriodic(60_000, id -> {
            long now = System.nanoTime();
            buckets.values().removeIf(b -> now - b.lastNanos > IDLE_NANOS);
        });
    }

    @Override
    public int refuse(Endpoint endpoint) {
        if (limits.isEmpty()) {
            return 0;
        }
        Integer limit = limits.get(Principal.tenantOfOwnerKey(endpoint.ownerKey()));
        if (limit == null) {
            return 0;
        }
        Bucket bucket = buckets.computeIfAbsent(endpoint.id(), id -> new Bucket(limit));
        return bucket.take(limit) ? 0 : limit;
    }

    private void remember(Tenant tenant) {
        int limit = tenant.quotas().maxRequestsPerSecond();
        if (limit > 0) {
            limits.put(tenant.id(), limit);
        } else {
            limits.remove(tenant.id());
        }
    }

    @Override
    public void close() {
        if (sweeper >= 0) {
            vertx.cancelTimer(sweeper);
        }
        try {
            if (listener != null) {
                tenants.removeEntryListener(listener);
            }
        } catch (RuntimeException ignored) {
            // the member is shutting down
        }
    }

    private static final class Bucket {
        private double tokens;
        private long lastNanos = System.nanoTime();

        Bucket(int limit) {
            this.tokens = limit;
        }

        synchronized boolean take(int limit) {
            long now = System.nanoTime();
            tokens = Math.min(limit, tokens + (now - lastNanos) / 1e9 * limit);
            lastNanos = now;
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }
    }

    private final class Mirror implements EntryAddedListener<String, Tenant>, EntryUpdatedListener<String, Tenant>,
            EntryRemovedListener<String, Tenant> {
        @Override
        public void entryAdded(EntryEvent<String, Tenant> event) {
            remember(event.getValue());
        }

        @Override
        public void entryUpdated(EntryEvent<String, Tenant> event) {
            remember(event.getValue());
        }

        @Override
        public void entryRemoved(EntryEvent<String, Tenant> event) {
            limits.remove(event.getKey());
        }
    }
}
