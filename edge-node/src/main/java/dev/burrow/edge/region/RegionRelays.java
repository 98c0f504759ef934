package dev.burrow.edge.region;

import dev.burrow.edge.cluster.NodeInfo;
import dev.burrow.edge.cluster.RelayPool;
import dev.burrow.edge.config.HostPort;
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
 * gives, or else to one of the addresses the region directory lists; redialed while it is down, as any relay link) and
 * the {@code endpoint_lookup} exchange on them: asks every region with a ready link at once and answers with the first
 * region that serves the hostname.
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
    /** Regions named in {@code --region-peers}: their static address wins over the directory. */
    private final java.util.Set<String> statics;
    private final Map<String, Integer> notReadyRounds = new ConcurrentHashMap<>();

    /**
     * Where a hostname is served in another region: the region's relay link key, the endpoint id there and the tenant
     * owning it (null from a region too old to say), and its traffic policy document (null without one).
     */
    public record Answer(String region, String endpointId, String tenantId, String trafficPolicy) {
        public Answer(String region, String endpointId, String tenantId) {
            this(region, endpointId, tenantId, null);
        }

        public Answer(String region, String endpointId) {
            this(region, endpointId, null, null);
        }
    }

    private static final class Pending {
        final Promise<Answer> promise = Promise.promise();
        final AtomicInteger outstanding;
        // Set before the request is visible to answers (L1: an early answer must never cancel timer id 0).
        volatile long timer = -1;

        Pending(int regions) {
            outstanding = new AtomicInteger(regions);
        }
    }

    /** @param pool a relay pool of its own (not the cluster's), with the cluster CA and relay secret shared by all regions */
    public RegionRelays(Vertx vertx, RelayPool pool, String localRegion, List<RegionPeer> peers) {
        this.vertx = vertx;
        this.pool = pool.forRegions("region=" + localRegion, this::onControl);
        this.statics = peers.stream().map(RegionPeer::region).collect(java.util.stream.Collectors.toUnmodifiableSet());
        for (RegionPeer peer : peers) {
            dial(peer.region(), new HostPort(peer.host(), peer.relayPort()));
        }
    }

    private void dial(String region, HostPort address) {
        pool.add(new NodeInfo(KEY_PREFIX + region, "region " + region, address.host(), 0, address.port()));
    }

    /**
     * The other regions' relay addresses as the directory lists them now (each region's live nodes). A region named in
     * {@code --region-peers} keeps its static address. A new region is dialed; a region whose link is not ready for
     * two refreshes in a row moves on to its next address; a region gone from the directory is dropped.
     */
    public synchronized void update(Map<String, List<HostPort>> regions) {
        Map<String, NodeInfo> current = new java.util.HashMap<>();
        for (NodeInfo info : pool.peers()) {
            current.put(info.member().substring(KEY_PREFIX.length()), info);
        }
        regions.forEach((region, addresses) -> {
            if (statics.contains(region) || addresses.isEmpty()) {
                return;
            }
            NodeInfo info = current.get(region);
            int at = info == null ? -1 : addresses.indexOf(new HostPort(info.advertiseAddress(), info.relayPort()));
            if (at < 0) {
                notReadyRounds.remove(region);
                dial(region, addresses.get(0));
            } else if (pool.ready(KEY_PREFIX + region) != null) {
                notReadyRounds.remove(region);
            } else if (notReadyRounds.merge(region, 1, Integer::sum) >= 2 && addresses.size() > 1) {
                notReadyRounds.remove(region);
                dial(region, addresses.get((at + 1) % addresses.size()));
            }
        });
        for (String region : current.keySet()) {
            if (!statics.contains(region) && !regions.containsKey(region)) {
                notReadyRounds.remove(region);
                pool.remove(KEY_PREFIX + region);
            }
        }
    }

    /** Whether the link to {@code region} is ready. */
    public boolean isReady(String region) {
        return pool.ready(KEY_PREFIX + region) != null;
    }

    /** The relay address this node dials (or holds a link to) for {@code region}, or null. */
    public String addressOf(String region) {
        return pool.peers().stream().filter(info -> info.member().equals(KEY_PREFIX + region))
                .map(info -> HostPort.format(info.advertiseAddress(), info.relayPort())).findFirst().orElse(null);
    }

    /** Completes with where {@code hostname} is served in another region, or null (none, or no answer in time). */
    public Future<Answer> lookup(String hostname) {
        List<RelayPool.Peer> ready = pool.readyPeers();
        if (ready.isEmpty()) {
            return Future.succeededFuture();
        }
        long id = requestIds.incrementAndGet();
        Pending request = new Pending(ready.size());
        request.timer = vertx.setTimer(LOOKUP_TIMEOUT.toMillis(), t -> finish(id, null));
        pending.put(id, request);
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
            answered(result.requestId(), result.found() ? new Answer(peer.key(), result.endpointId(), result.tenantId(), result.trafficPolicy()) : null);
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
