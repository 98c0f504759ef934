package dev.burrow.edge.region;

import dev.burrow.edge.config.HostPort;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * This node's place in the region directory ({@link RegionNodeTable}): registers the node with the relay address it
 * advertises and the TCP ports bound in its region, refreshes that row every {@link #REFRESH} on a worker thread, and
 * hands the live nodes of the other regions to {@code onOthers}. A node that stops refreshing is ignored after
 * {@link #TTL}. A failed refresh is logged (once per outage) and retried at the next period; the last answer stays.
 */
public final class RegionDiscovery {
    private static final Logger LOG = LoggerFactory.getLogger(RegionDiscovery.class);
    public static final Duration REFRESH = Duration.ofSeconds(2);
    public static final Duration TTL = Duration.ofSeconds(15);
    static final Duration FORGET_AFTER = Duration.ofHours(1);

    private final Vertx vertx;
    private final RegionNodeTable table;
    private final String region;
    private final String nodeId;
    private final Supplier<HostPort> relayAddress;
    private final Supplier<Map<Integer, PublishedPort>> tcpPorts;
    private final Consumer<List<RegionNodeTable.RegionNode>> onOthers;
    private volatile List<RegionNodeTable.RegionNode> latest = List.of();
    private volatile boolean stopped;
    private volatile long timer = -1;
    private boolean failing;

    /**
     * @param tcpPorts TCP endpoint ports bound in this region (port → endpoint and tenant)
     * @param onOthers gets the live nodes of the other regions after each refresh (on a worker thread)
     */
    public RegionDiscovery(Vertx vertx, RegionNodeTable table, String region, String nodeId, Supplier<HostPort> relayAddress,
                           Supplier<Map<Integer, PublishedPort>> tcpPorts, Consumer<List<RegionNodeTable.RegionNode>> onOthers) {
        this.vertx = vertx;
        this.table = table;
        this.region = region;
        this.nodeId = nodeId;
        this.relayAddress = relayAddress;
        this.tcpPorts = tcpPorts;
        this.onOthers = onOthers;
    }

    /** Blocking: registers and reads the directory once, so a node that starts after another finds it at once. */
    public void startBlocking() {
        refreshBlocking();
        schedule();
    }

    private void schedule() {
        if (stopped) {
            return;
        }
        timer = vertx.setTimer(REFRESH.toMillis(), id -> vertx.executeBlocking(() -> {
            refreshBlocking();
            return null;
        }, false).onComplete(ignored -> schedule()));
    }

    private synchronized void refreshBlocking() {
        if (stopped) {
            return;
        }
        try {
            HostPort relay = relayAddress.get();
            table.heartbeat(region, nodeId, relay.host(), relay.port(), tcpPorts.get());
            List<RegionNodeTable.RegionNode> nodes = table.live(region, TTL, FORGET_AFTER);
            latest = nodes;
            if (failing) {
                failing = false;
                LOG.info("region directory: readable again ({} live node(s))", nodes.size());
            }
            onOthers.accept(nodes.stream().filter(node -> !node.region().equals(region)).toList());
        } catch (RuntimeException e) {
            if (!failing) {
                failing = true;
                LOG.warn("region directory: refresh failed: {}; the last known regions stay in use, retrying every {} s",
                        e.getMessage(), REFRESH.toSeconds());
            }
        }
    }

    /** The live nodes of every region (this one too) as last read. */
    public List<RegionNodeTable.RegionNode> nodes() {
        return latest;
    }

    /** Per region, its nodes' relay addresses, most recently refreshed first (the order in which to try them). */
    public static Map<String, List<HostPort>> addressesByRegion(List<RegionNodeTable.RegionNode> nodes) {
        Map<String, List<HostPort>> byRegion = new LinkedHashMap<>();
        nodes.stream().sorted(Comparator.comparing(RegionNodeTable.RegionNode::age)).forEach(node ->
                byRegion.computeIfAbsent(node.region(), r -> new java.util.ArrayList<>())
                        .add(new HostPort(node.relayHost(), node.relayPort())));
        return byRegion;
    }

    /**
     * Blocking: stops refreshing and removes this node's row, so that the other regions stop dialing it. Waits for a
     * refresh in flight (review2 L12: else its heartbeat could insert the row again after the delete).
     */
    public void stopBlocking() {
        stopped = true;
        vertx.cancelTimer(timer);
        synchronized (this) {
            try {
                table.remove(region, nodeId);
            } catch (RuntimeException e) {
                LOG.debug("region directory: {}", e.getMessage());
            }
        }
    }

    /** For tests and the admin route: refresh now, off the event loop. */
    public Future<Void> refreshNow() {
        return vertx.executeBlocking(() -> {
            refreshBlocking();
            return null;
        }, false);
    }
}
