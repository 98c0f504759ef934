package dev.burrow.edge.tenancy;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.burrow.edge.chain.RequestQuota;
import dev.burrow.edge.registry.Endpoint;
import io.vertx.core.Vertx;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The requests/s quota per endpoint, enforced on each node: a token bucket per endpoint (a burst of one second's
 * worth, refilled continuously), sized by its tenant's {@link Quotas#maxRequestsPerSecond()}. Tenants' limits are
 * mirrored from the tenants map by its entry events, so a public request costs no call into Hazelcast; an endpoint
 * of a tenant without the quota costs one map lookup. Idle buckets are dropped every minute.
 */
public final class RequestRateLimiter implements RequestQuota, AutoCloseable {
    private static final long IDLE_NANOS = 60_000_000_000L;

    private final Vertx vertx;
    private final LocalMirror<Tenant, Integer> limits;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private volatile long sweeper = -1;

    public RequestRateLimiter(Vertx vertx, HazelcastInstance hazelcast) {
        this.vertx = vertx;
        IMap<String, Tenant> tenants = hazelcast.getMap(TenantStore.TENANTS_MAP);
        this.limits = new LocalMirror<>(tenants, t -> t.quotas().maxRequestsPerSecond() > 0 ? t.quotas().maxRequestsPerSecond() : null);
    }

    /** Starts mirroring the tenants' limits. Blocking (registers a listener, reads every tenant once). */
    public void startBlocking() {
        limits.start();
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

    @Override
    public void close() {
        if (sweeper >= 0) {
            vertx.cancelTimer(sweeper);
        }
        limits.stop();
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
}
