package dev.burrow.edge.region;

import dev.burrow.edge.cluster.NodeInfo;
import dev.burrow.edge.cluster.RelayPool;
import dev.burrow.edge.config.RegionPeer;
import dev.burrow.protocol.ControlMessage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The relay links from this node to the other regions (one per region, to the relay address {@code --region-peers}
 * gives; redialed while it is down, as any relay link) and the {@code endpoint_lookup} exchange on them: asks every
 * region with a ready link at once and answers with the first region that serves the hostname.
 */
public final class RegionRelays {
    static final String KEY_PREFIX = "region:";
    /** How long a lookup waits for the other regions; a region that has not answered by then counts as "not there". */
    static final Duration LOOKUP_TIMEOUT = Duration.ofSeconds(2);

    private final Vertx vertx;
    private final RelayPool pool;
    private final AtomicLong requestIds = new AtomicLong();
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong lookupsSent = new AtomicLong();

    /**
     * Where a hostname is served in another region: the region's relay link key, the endpoint id there and the tenant
     * owning it (null from a region too old to say).
     */
    public record Answer(String region, String endpointId, String tenantId) {
        public Answer(String region, String endpointId) {
            this(region, endpointId, null);
        }
    }

    private static final class Pending {
        final Promise<Answer> promise = Promise.promise();
        final AtomicInteger outstanding;
        long timer;

        Pending(int regions) {
            outstanding = new AtomicInteger(regions);
        }
    }

    /** @param pool a relay pool of its own (not the cluster's), with the cluster CA and relay secret shared by all regions */
    public RegionRelays(Vertx vertx, RelayPool pool, String localRegion, List<RegionPeer> peers) {
        this.vertx = vertx;
        this.pool = pool.forRegions("region=" + localRegion, this::onControl);
        for (RegionPeer peer : peers) {
            pool.add(new NodeInfo(KEY_PREFIX + peer.region(), "region " + peer.region(), peer.host(), 0, peer.relayPort()));
        }
    }

    /** Completes with where {@code hostname} is served in another region, or null (none, or no answer in time). */
    public Future<Answer> lookup(String hostname) {
        List<RelayPool.Peer> ready = pool.readyPeers();
        if (ready.isEmpty()) {
            return Future.succeededFuture();
        }
        long id = requestIds.incrementAndGet();
        Pending request = new Pending(ready.size());
        pending.put(id, request);
        request.timer = vertx.setTimer(LOOKUP_TIMEOUT.toMillis(), t -> finish(id, null));
        for (RelayPool.Peer peer : ready) {
            lookupsSent.incrementAndGet();
            if (!peer.sendControl(new ControlMessage.EndpointLookup(id, hostname))) {
                answered(id, null);
            }
        }
        return request.promise.future();
    }

    private void onControl(RelayPool.Peer peer, ControlMessage message) {
        if (message instanceof ControlMessage.EndpointLookupResult result) {
            answered(result.requestId(), result.found() ? new Answer(peer.key(), result.endpointId(), result.tenantId()) : null);
        }
    }

    private void answered(long id, Answer answer) {
        Pending request = pending.get(id);
        if (request == null) {
            return;
        }
        if (answer != null || request.outstanding.decrementAndGet() <= 0) {
            finish(id, answer);
        }
    }

    private void finish(long id, Answer answer) {
        Pending request = pending.remove(id);
        if (request != null) {
            vertx.cancelTimer(request.timer);
            request.promise.tryComplete(answer);
        }
    }

    /** A ready relay link to the region of {@code key}, or null. */
    RelayPool.Peer ready(String key) {
        return pool.ready(key);
    }

    /** Regions with a ready relay link. */
    public int readyCount() {
        return pool.readyCount();
    }

    /** Lookups sent to other regions so far (one per region asked). */
    public long lookupsSent() {
        return lookupsSent.get();
    }

    public void close() {
        pool.close();
        pending.keySet().forEach(id -> finish(id, null));
    }
}
