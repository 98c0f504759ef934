package dev.burrow.edge.region;

import dev.burrow.edge.config.PortRange;
import dev.burrow.edge.link.PortListeners;
import dev.burrow.edge.registry.Endpoint;
import dev.burrow.edge.registry.EndpointProtocol;
import dev.burrow.edge.registry.EndpointState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * TCP endpoints bound in other regions, listened on here too, so that one DNS name serves a TCP port in every region:
 * each port the directory lists for another region (inside this node's {@code --tcp-ports} and not bound in this
 * region) gets a listener whose connections go over the relay link to that region ({@link RegionalLinks}). A port
 * bound in this region always wins: {@link #localFirst} gives it back before the local listener opens. The listener
 * closes when the other region stops listing the port (at this node's next read of the directory).
 */
public final class RemoteTcpPorts {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteTcpPorts.class);

    private final Vertx vertx;
    private final PortListeners listeners;
    private final PortRange range;
    private final Supplier<Set<Integer>> boundHere;
    private final Map<Integer, Endpoint> listening = new ConcurrentHashMap<>();
    /** Ports whose listener failed, warned about once (retried at every refresh, logged at debug after that). */
    private final Set<Integer> warned = ConcurrentHashMap.newKeySet();
    private volatile boolean stopped;

    /**
     * @param listeners TCP listeners whose connections route through {@link RegionalLinks} (ports looked up in
     *                  {@link #endpointOn})
     * @param boundHere TCP ports bound in this region
     */
    public RemoteTcpPorts(Vertx vertx, PortListeners listeners, PortRange range, Supplier<Set<Integer>> boundHere) {
        this.vertx = vertx;
        this.listeners = listeners;
        this.range = range;
        this.boundHere = boundHere;
    }

    /** The other-region endpoint listened on at {@code port}, or null. */
    public Endpoint endpointOn(int port) {
        return listening.get(port);
    }

    /** Whether another region serves {@code port} (a new endpoint here should pick another port). */
    public boolean isTakenElsewhere(int port) {
        return listening.containsKey(port);
    }

    /** The directory was read: listen on the other regions' ports, stop listening on ports they no longer list. */
    public synchronized void update(List<RegionNodeTable.RegionNode> others) {
        if (stopped) {
            return;
        }
        Map<Integer, Endpoint> wanted = new TreeMap<>();
        Set<Integer> local = boundHere.get();
        others.stream().sorted(java.util.Comparator.comparing(RegionNodeTable.RegionNode::region)).forEach(node ->
                node.tcpPorts().forEach((port, endpointId) -> {
                    if (range.contains(port) && !local.contains(port)) {
                        wanted.putIfAbsent(port, new Endpoint(endpointId, EndpointProtocol.TCP, null, port,
                                RegionRelays.KEY_PREFIX + node.region(), null, EndpointState.ONLINE));
                    }
                }));
        Map<Integer, Endpoint> before = new HashMap<>(listening);
        before.forEach((port, endpoint) -> {
            if (!endpoint.equals(wanted.get(port))) {
                listening.remove(port, endpoint);
                if (!wanted.containsKey(port)) {
                    vertx.runOnContext(v -> listeners.close(endpoint.id()));
                }
            }
        });
        wanted.forEach((port, endpoint) -> {
            Endpoint old = before.get(port);
            if (!endpoint.equals(old)) {
                listening.put(port, endpoint);
                // The old listener of the port (another endpoint) is closed before the new one binds it.
                vertx.runOnContext(v -> (old == null ? Future.<Void>succeededFuture() : listeners.close(old.id()))
                        .compose(closed -> listeners.open(endpoint))
                        .onSuccess(ok -> opened(port, endpoint))
                        .onFailure(error -> failed(port, endpoint, error)));
            }
        });
    }

    private void opened(int port, Endpoint endpoint) {
        warned.remove(port);
        LOG.info("TCP port {} of region {} (endpoint {}) is relayed from this node", port, regionOf(endpoint), endpoint.id());
    }

    private void failed(int port, Endpoint endpoint, Throwable error) {
        listening.remove(port, endpoint);
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

    /** A TCP endpoint of this region wants {@code port}: stop relaying it to another region first. */
    public Future<Void> yieldPort(int port) {
        Endpoint remote = listening.remove(port);
        return remote == null ? Future.succeededFuture() : listeners.close(remote.id());
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
