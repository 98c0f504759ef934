package dev.burrow.edge.region;

import dev.burrow.edge.config.PortRange;
import dev.burrow.edge.link.PortListeners;
import dev.burrow.edge.registry.Endpoint;
import dev.burrow.edge.registry.EndpointProtocol;
import dev.burrow.edge.registry.EndpointState;
import dev.burrow.edge.relay.Contexts;
import dev.burrow.edge.tenancy.Principal;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * TCP endpoints bound in other regions, listened on here too, so that one DNS name serves a TCP port in every region:
 * each port the directory lists for another region (inside this node's {@code --tcp-ports}, not bound in this region,
 * and not held here by a reservation of another tenant than the endpoint's) gets a listener whose connections go over
 * the relay link to that region ({@link RegionalLinks}). A port bound in this region always wins: {@link #yieldPort}
 * closes the relayed listener and keeps the port out of the next refreshes while the local endpoint opens.
 *
 * <p>Each listener belongs to its port, not to the endpoint: a connection finds the endpoint when it arrives
 * ({@link #endpointOn}), so a new endpoint id for a port (an agent that bound again, or a region whose nodes briefly
 * disagree) changes where connections go without closing the listener (review2 L15). Listener state changes only on
 * one event loop, and an open re-checks on completion that the port is still wanted (review2 M7).
 */
public final class RemoteTcpPorts {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteTcpPorts.class);
    /** The id of the listener of a relayed port (never an endpoint id of a region: those are random). */
    static final String LISTENER_PREFIX = "region-tcp:";
    /** How long a port taken by an endpoint of this region stays out of the refreshes while the directory catches up. */
    static final Duration CLAIM_HOLD = Duration.ofSeconds(10);

    /** A TCP port another region serves: the region and what it published. */
    public record Served(String region, PublishedPort published) {
    }

    private final Context context;
    private final PortListeners listeners;
    private final PortRange range;
    private final Supplier<Set<Integer>> boundHere;
    private final IntFunction<String> holderHere;
    private final LongSupplier nanoClock;
    /** Relayed ports → the endpoint in the other region; read by connections on any event loop. */
    private final Map<Integer, Endpoint> listening = new ConcurrentHashMap<>();
    private volatile Map<Integer, Served> elsewhere = Map.of();
    // Confined to the context: listeners open or opening (port → generation), ports claimed here (→ deadline).
    private final Map<Integer, Long> open = new HashMap<>();
    private final Map<Integer, Long> claims = new HashMap<>();
    private long generations;
    /** Ports warned about once (a failed listener, a tenant mismatch); retried at every refresh, logged at debug after. */
    private final Set<Integer> warned = ConcurrentHashMap.newKeySet();
    private volatile boolean stopped;

    /**
     * @param listeners  TCP listeners whose connections route through {@link RegionalLinks} (ports looked up in
     *                   {@link #endpointOn})
     * @param boundHere  TCP ports bound in this region
     * @param holderHere the tenant holding a TCP port in this region by reservation, or null (called on the refresh's
     *                   worker thread)
     */
    public RemoteTcpPorts(Vertx vertx, PortListeners listeners, PortRange range, Supplier<Set<Integer>> boundHere,
                          IntFunction<String> holderHere, LongSupplier nanoClock) {
        this.context = vertx.getOrCreateContext();
        this.listeners = listeners;
        this.range = range;
        this.boundHere = boundHere;
        this.holderHere = holderHere;
        this.nanoClock = nanoClock;
    }

    /** The other-region endpoint listened on at {@code port}, or null. */
    public Endpoint endpointOn(int port) {
        return listening.get(port);
    }

    /** Which other region serves {@code port} and for which tenant, or null (a new endpoint here checks it). */
    public Served servedElsewhere(int port) {
        return elsewhere.get(port);
    }

    /** Whether another region serves {@code port} (a random port here avoids it). */
    public boolean isTakenElsewhere(int port) {
        return elsewhere.containsKey(port);
    }

    /**
     * The directory was read: listen on the other regions' ports, stop listening on ports they no longer list. Each
     * port goes to the first region in name order that lists it. Blocking is fine here (the refresh's worker thread).
     */
    public void update(List<RegionNodeTable.RegionNode> others) {
        if (stopped) {
            return;
        }
        Map<Integer, Served> all = new TreeMap<>();
        others.stream().sorted(Comparator.comparing(RegionNodeTable.RegionNode::region)).forEach(node ->
                node.tcpPorts().forEach((port, published) -> all.putIfAbsent(port, new Served(node.region(), published))));
        elsewhere = Map.copyOf(all);
        Set<Integer> local = Set.copyOf(boundHere.get());
        Map<Integer, Endpoint> wanted = new TreeMap<>();
        all.forEach((port, served) -> {
            if (range.contains(port) && !local.contains(port) && mayRelay(port, served)) {
                wanted.put(port, endpointOf(port, served));
            }
        });
        context.runOnContext(v -> reconcile(wanted, local));
    }

    /** A port held here by a reservation is relayed only to an endpoint of the holding tenant (review2 H2). */
    private boolean mayRelay(int port, Served served) {
        String holder = holderHere.apply(port);
        if (holder == null || holder.equals(served.published().tenantId())) {
            return true;
        }
        if (warned.add(-port)) {
            LOG.warn("TCP port {} is reserved in this region by another tenant than the one that serves it in region {}; "
                    + "it is not relayed from this node", port, served.region());
        }
        return false;
    }

    private static Endpoint endpointOf(int port, Served served) {
        return new Endpoint(served.published().endpointId(), EndpointProtocol.TCP, null, port,
                RegionRelays.KEY_PREFIX + served.region(), Principal.TENANT_OWNER_PREFIX + served.published().tenantId(),
                EndpointState.ONLINE);
    }

    private void reconcile(Map<Integer, Endpoint> wanted, Set<Integer> local) {
        if (stopped) {
            return;
        }
        long now = nanoClock.getAsLong();
        claims.entrySet().removeIf(claim -> local.contains(claim.getKey()) || claim.getValue() - now <= 0);
        for (Integer port : List.copyOf(listening.keySet())) {
            if (!wanted.containsKey(port) || claims.containsKey(port)) {
                listening.remove(port);
                closeListener(port);
            }
        }
        wanted.forEach((port, endpoint) -> {
            if (claims.containsKey(port)) {
                return;
            }
            Endpoint before = listening.put(port, endpoint);
            if (before != null && !before.equals(endpoint)) {
                LOG.debug("TCP port {}: now relayed to endpoint {} ({}); the listener stays open", port, endpoint.id(),
                        endpoint.sessionId());
            }
            if (!open.containsKey(port)) {
                openListener(port, endpoint);
            }
        });
    }

    private void openListener(int port, Endpoint endpoint) {
        long generation = ++generations;
        open.put(port, generation);
        listeners.open(listenerOf(port)).onComplete(ar -> Contexts.run(context, () -> {
            if (!Long.valueOf(generation).equals(open.get(port))) {
                return; // closed (or closed and opened again) meanwhile: that close also closes this listener
            }
            if (ar.failed()) {
                open.remove(port);
                listening.remove(port);
                failed(port, endpoint, ar.cause());
            } else if (stopped || !listening.containsKey(port)) {
                closeListener(port); // given back while it opened
            } else {
                warned.remove(port);
                LOG.info("TCP port {} of region {} (endpoint {}) is relayed from this node", port, regionOf(endpoint), endpoint.id());
            }
        }));
    }

    private Future<Void> closeListener(int port) {
        return open.remove(port) == null ? Future.succeededFuture() : listeners.close(LISTENER_PREFIX + port);
    }

    private static Endpoint listenerOf(int port) {
        return new Endpoint(LISTENER_PREFIX + port, EndpointProtocol.TCP, null, port, null, null, EndpointState.ONLINE);
    }

    private void failed(int port, Endpoint endpoint, Throwable error) {
        if (warned.add(port)) {
            LOG.warn("TCP port {} of region {} cannot listen on this node: {}; retrying every {} s", port, regionOf(endpoint),
                    error.getMessage(), RegionDiscovery.REFRESH.toSeconds());
        } else {
            LOG.debug("TCP port {} of region {} still cannot listen: {}", port, regionOf(endpoint), error.getMessage());
        }
    }

    private static String regionOf(Endpoint endpoint) {
        return endpoint.sessionId().substring(RegionRelays.KEY_PREFIX.length());
    }

    /**
     * A TCP endpoint of this region wants {@code port}: stop relaying it to another region first, and keep it out of
     * the refreshes for {@link #CLAIM_HOLD} or until the directory lists it as bound here. Completes once the relayed
     * listener is closed.
     */
    public Future<Void> yieldPort(int port) {
        Promise<Void> yielded = Promise.promise();
        Contexts.run(context, () -> {
            claims.put(port, nanoClock.getAsLong() + CLAIM_HOLD.toNanos());
            listening.remove(port);
            closeListener(port).onComplete(yielded);
        });
        return yielded.future();
    }

    /** {@link PortListeners} for this region's own endpoints: a port relayed to another region is given back first. */
    public PortListeners localFirst(PortListeners local) {
        return new PortListeners() {
            @Override
            public Future<Void> open(Endpoint endpoint) {
                return yieldPort(endpoint.port()).compose(v -> local.open(endpoint));
            }

            @Override
            public Future<Void> close(String endpointId) {
                return local.close(endpointId);
            }
        };
    }

    /** The node drains or stops: no more listeners open (the caller closes those that are). */
    public void stop() {
        stopped = true;
    }

    /** Ports relayed to other regions. */
    public int size() {
        return listening.size();
    }
}
