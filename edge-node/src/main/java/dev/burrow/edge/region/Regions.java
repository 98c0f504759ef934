package dev.burrow.edge.region;

import dev.burrow.edge.cluster.RelayPool;
import dev.burrow.edge.config.ClusterSettings;
import dev.burrow.edge.config.HostPort;
import dev.burrow.edge.config.PortRange;
import dev.burrow.edge.config.ProxyProtocolSettings;
import dev.burrow.edge.link.AgentLinks;
import dev.burrow.edge.link.PortListeners;
import dev.burrow.edge.registry.EndpointRegistry;
import dev.burrow.edge.tcp.TcpEndpoints;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A node's part in a multi-region deployment, wired in one place: the relay links to the other regions
 * ({@link RegionRelays}), the public registry and links that find hostnames there ({@link RegionalRegistry},
 * {@link RegionalLinks}), the region directory in the shared database ({@link RegionDiscovery}) and the TCP ports of
 * other regions listened on here ({@link RemoteTcpPorts}).
 */
public final class Regions implements NodeRegions {
    private final ClusterSettings cluster;
    private final RegionRelays relays;
    private final RegionalLinks links;
    private final RegionalRegistry registry;
    private final RegionDiscovery discovery;
    private final RemoteTcpPorts remoteTcp;
    private final TcpEndpoints remoteTcpListeners;
    private final Vertx vertx;
    private final long sweepTimer;
    private final RegionDirectory directory;

    /**
     * @param relayPool     a relay pool of its own, with the cluster CA and relay secret every region shares
     * @param heldBy        the tenant holding a hostname (reservation or verified custom domain), or null
     * @param relayAddress  the relay address this node advertises to the other regions (read after it listens)
     * @param tcpPortsHere  TCP ports bound in this region → endpoint and tenant
     * @param portHolder    the tenant holding a TCP port in this region by reservation, or null
     */
    public Regions(Vertx vertx, ClusterSettings cluster, RelayPool relayPool, String nodeId, EndpointRegistry local,
                   AgentLinks router, Function<String, Future<String>> heldBy, String domain, DataSource dataSource, String bindAddress,
                   PortRange tcpPorts, ProxyProtocolSettings proxyProtocol, dev.burrow.edge.chain.Chains chains, Supplier<HostPort> relayAddress,
                   Supplier<Map<Integer, PublishedPort>> tcpPortsHere, java.util.function.IntFunction<Future<String>> portHolder) {
        this.vertx = vertx;
        this.cluster = cluster;
        this.relays = new RegionRelays(vertx, relayPool, cluster.region(), cluster.regionPeers());
        this.directory = new RegionDirectory(relays::lookup, System::nanoTime);
        this.sweepTimer = vertx.setPeriodic(RegionDirectory.SWEEP_EVERY.toMillis(), id -> directory.sweep());
        this.links = new RegionalLinks(router, relays, directory);
        this.registry = new RegionalRegistry(local, directory, heldBy, domain);
        this.remoteTcpListeners = new TcpEndpoints(vertx, bindAddress, registry, links, proxyProtocol.enabled(), chains);
        this.remoteTcp = new RemoteTcpPorts(vertx, remoteTcpListeners, tcpPorts, () -> tcpPortsHere.get().keySet(),
                port -> awaitOnWorker(portHolder.apply(port)), System::nanoTime);
        registry.withRemotePorts(remoteTcp::endpointOn);
        this.discovery = new RegionDiscovery(vertx, new RegionNodeTable(dataSource), cluster.region(), nodeId, relayAddress,
                tcpPortsHere, this::directoryRead);
    }

    /** The public sockets of TCP ports served from another region get the edge's keep-alive and pipe idle time. */
    public Regions publicTcpSockets(java.time.Duration tcpKeepAlive, java.time.Duration pipeIdle) {
        remoteTcpListeners.tcpKeepAlive(tcpKeepAlive).pipeIdleTimeout(pipeIdle);
        return this;
    }

    /** Blocking, on the refresh's worker thread only (a local map read once the held names are mirrored). */
    private static String awaitOnWorker(Future<String> holder) {
        try {
            return holder.toCompletionStage().toCompletableFuture().get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot read the TCP port reservations: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the TCP port reservations", e);
        }
    }

    private void directoryRead(List<RegionNodeTable.RegionNode> others) {
        relays.update(RegionDiscovery.addressesByRegion(others));
        remoteTcp.update(others);
    }

    /** The registry the public listeners use: this region's first, then the other regions. */
    @Override
    public EndpointRegistry publicRegistry() {
        return registry;
    }

    /** The links the public listeners use: a stream of an endpoint of another region goes over the region relay. */
    @Override
    public AgentLinks publicLinks() {
        return links;
    }

    /** Listeners for this region's own TCP endpoints: a port relayed to another region is given back first. */
    @Override
    public PortListeners localFirst(PortListeners local) {
        return remoteTcp.localFirst(local);
    }

    /** Stops relaying {@code port} to another region (an endpoint of this region takes it). */
    @Override
    public Future<Void> yieldPort(int port) {
        return remoteTcp.yieldPort(port);
    }

    /** The tenant another region serves TCP port {@code port} for, or null (a bind here checks it). */
    @Override
    public String tenantServingElsewhere(int port) {
        RemoteTcpPorts.Served served = remoteTcp.servedElsewhere(port);
        return served == null ? null : served.published().tenantId();
    }

    /** Blocking: registers this node in the directory and reads it once; then every {@link RegionDiscovery#REFRESH}. */
    @Override
    public void startBlocking() {
        discovery.startBlocking();
    }

    /** Blocking: leaves the directory. */
    @Override
    public void stopBlocking() {
        discovery.stopBlocking();
    }

    /** Closes the relay links to the other regions. */
    @Override
    public void closeLinks() {
        vertx.cancelTimer(sweepTimer);
        relays.close();
    }

    /** Stops accepting on the other regions' TCP ports; open connections go on for up to {@code grace}. */
    @Override
    public Future<Void> shutdownListeners(Duration grace) {
        remoteTcp.stop();
        return remoteTcpListeners.shutdownAll(grace);
    }

    @Override
    public Future<Void> closeListeners() {
        remoteTcp.stop();
        return remoteTcpListeners.closeAll();
    }

    /** {@code GET /api/v1/regions}. */
    @Override
    public JsonObject report() {
        return RegionsReport.of(cluster.region(), discovery.nodes(), cluster.regionPeers(), relays);
    }

    @Override
    public void registerMetrics(MeterRegistry metrics) {
        Gauge.builder("burrow_region_links", relays, RegionRelays::readyCount)
                .description("Ready relay links from this node to other regions").register(metrics);
        FunctionCounter.builder("burrow_region_lookups_sent", relays, RegionRelays::lookupsSent)
                .description("Endpoint lookups this node sent to other regions").register(metrics);
        FunctionCounter.builder("burrow_region_relayed_streams", links, RegionalLinks::relayedCount)
                .description("Public requests and TCP connections this node relayed to another region").register(metrics);
        FunctionCounter.builder("burrow_region_lookups_shed", directory, RegionDirectory::shedCount)
                .description("Lookups of other regions answered as not found because too many were in flight").register(metrics);
        Gauge.builder("burrow_region_tcp_ports", remoteTcp, RemoteTcpPorts::size)
                .description("TCP ports of other regions this node listens on and relays").register(metrics);
    }
}
