package dev.burrow.edge;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import dev.burrow.edge.admin.AdminApi;
import dev.burrow.edge.admin.AdminAuth;
import dev.burrow.edge.chain.Chains;
import dev.burrow.edge.chain.EdgeChains;
import dev.burrow.edge.chain.IdentityAssertions;
import dev.burrow.edge.chain.PolicySource;
import dev.burrow.edge.chain.PublicConnection;
import dev.burrow.edge.cluster.ClusterAuthSessionStore;
import dev.burrow.edge.cluster.ClusterNode;
import dev.burrow.edge.cluster.ClusterRateLimitCounters;
import dev.burrow.edge.cluster.ClusterRouter;
import dev.burrow.edge.cluster.EndpointMirror;
import dev.burrow.edge.cluster.HazelcastSetup;
import dev.burrow.edge.cluster.NodeInfo;
import dev.burrow.edge.cluster.RelayPool;
import dev.burrow.edge.cluster.RelaySecret;
import dev.burrow.edge.cluster.RelayServer;
import dev.burrow.edge.cluster.SessionDirectory;
import dev.burrow.edge.config.EdgeConfig;
import dev.burrow.edge.config.HostPort;
import dev.burrow.edge.config.PortRange;
import dev.burrow.edge.config.TenancySettings;
import dev.burrow.edge.config.UdpSettings;
import dev.burrow.edge.http.HopSockets;
import dev.burrow.edge.http.InternalTargets;
import dev.burrow.edge.http.PublicHttpServer;
import dev.burrow.edge.link.AgentLinkServer;
import dev.burrow.edge.link.AgentPolicyRefusals;
import dev.burrow.edge.link.AuthFailureLimiter;
import dev.burrow.edge.link.EndpointBinder;
import dev.burrow.edge.link.SessionServices;
import dev.burrow.edge.link.SessionTable;
import dev.burrow.edge.ops.OpsServer;
import dev.burrow.edge.pki.AdminToken;
import dev.burrow.edge.pki.TokenVerifier;
import dev.burrow.edge.region.NodeRegions;
import dev.burrow.edge.region.PublishedPort;
import dev.burrow.edge.region.Regions;
import dev.burrow.edge.region.SingleRegion;
import dev.burrow.edge.registry.Endpoint;
import dev.burrow.edge.registry.EndpointRecord;
import dev.burrow.edge.registry.HazelcastEndpointRegistry;
import dev.burrow.edge.registry.PublicUrls;
import dev.burrow.edge.store.Database;
import dev.burrow.edge.store.StoreProbe;
import dev.burrow.edge.tcp.TcpEndpoints;
import dev.burrow.edge.tenancy.BindPolicy;
import dev.burrow.edge.tenancy.DomainVerifier;
import dev.burrow.edge.tenancy.Principal;
import dev.burrow.edge.tenancy.ReservedNames;
import dev.burrow.edge.tenancy.TenantAuthenticator;
import dev.burrow.edge.tenancy.TenantStore;
import dev.burrow.edge.tls.CertificateExpiryGauges;
import dev.burrow.edge.tls.EndpointCertificates;
import dev.burrow.edge.tls.PublicCertificates;
import dev.burrow.edge.tls.PublicHttps;
import dev.burrow.edge.tls.acme.AcmeService;
import dev.burrow.edge.tls.acme.ReservedNameHolders;
import dev.burrow.edge.udp.UdpEndpoints;
import dev.burrow.policy.AccessLogSink;
import dev.burrow.policy.PolicyCompiler;
import dev.burrow.policy.PolicyEnvironment;
import dev.burrow.policy.fetch.FetchAddressGuard;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A running edge node: public HTTP listener, agent link listener, TCP endpoint listeners, relay listener, ops port,
 * registry and sessions; a member of a Hazelcast cluster (a cluster of one when no members are listed).
 * {@link #start(EdgeConfig)} brings one up (creating the data directory on first start); {@link #close()} takes it
 * down, telling agents it is going away. Tests use the port accessors, since port 0 picks free ports.
 */
public final class EdgeNode {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeNode.class);

    private final Vertx vertx;
    private final boolean ownsVertx;
    private final EdgeConfig config;
    private final DataDirectory dataDirectory;
    private final HazelcastInstance hazelcast;
    private final Database database;
    private final String adminToken;
    private final boolean adminTokenCreated;
    private final String localMember;
    private final String nodeId;
    private final HazelcastEndpointRegistry registry;
    private final EndpointMirror mirror;
    private final SessionTable sessions;
    private final RelayPool relayPool;
    private final ClusterNode clusterNode;
    private final NodeTenancy tenancy;
    private final NodePolicies policies;
    private final NodeRegions regions;
    private final PublicListeners listeners;
    private final RegistryFollower follower;
    private final AcmeService acme;
    private final AgentLinkServer linkServer;
    private final RelayServer relayServer;
    private final StoreProbe storeProbe;
    private final NodeReadiness readiness;
    private final OpsServer opsServer;
    private final NodeDrain drain;
    private final HopSockets hops;
    private volatile int httpPort;
    private volatile int tunnelPort;
    private volatile int relayPort;
    private volatile int opsPort;
    private Future<Void> closing;

    private EdgeNode(Vertx vertx, boolean ownsVertx, EdgeConfig config, NodeResources prepared, PrometheusMeterRegistry metrics,
                     HopSockets hops) {
        this.vertx = vertx;
        this.hops = hops;
        this.ownsVertx = ownsVertx;
        this.config = config;
        this.dataDirectory = prepared.dataDirectory();
        this.hazelcast = prepared.hazelcast();
        this.database = prepared.database();
        this.adminToken = prepared.adminToken();
        this.adminTokenCreated = prepared.adminTokenCreated();
        this.localMember = ClusterNode.localMember(hazelcast);
        this.nodeId = config.cluster().nodeId() != null ? config.cluster().nodeId() : "node-" + localMember.substring(0, 8);
        RelaySecret secret = prepared.secret();

        // The registry, the agent sessions and the cluster: where each endpoint is served, and how to reach it.
        this.registry = new HazelcastEndpointRegistry(vertx, hazelcast, localMember, nodeId);
        this.sessions = new SessionTable(vertx, registry, config.offlineGrace(), this::closeRemovedEndpoints,
                new SessionDirectory(hazelcast));
        this.relayPool = new RelayPool(vertx, dataDirectory.pki().caCert(), secret, nodeId, config.heartbeatInterval());
        this.mirror = new EndpointMirror(this::openPortListener, this::closePortListener);
        ClusterRouter router = new ClusterRouter(sessions, mirror, relayPool, localMember);
        this.clusterNode = new ClusterNode(vertx, hazelcast, registry, relayPool, config.offlineGrace(), this::peersChanged);
        this.tenancy = new NodeTenancy(vertx, hazelcast, localMember, nodeId, config.domain(), prepared);
        ReservedNames reservedNames = tenancy.reservedNames();
        // Who holds a name in this region: a reservation or a verified custom domain (a pending one holds nothing).
        Function<String, Future<String>> heldBy = host -> reservedNames.ownerOf(host)
                .map(owner -> owner == null || !owner.verified() ? null : owner.tenantId());

        // The module chains (docs/architecture.md: where to add a module) and the policies they run.
        this.policies = new NodePolicies(vertx, hazelcast, prepared.policySource() != null ? prepared.policySource()
                : new PolicyCompiler(PolicyEnvironment.of(vertx, new ClusterRateLimitCounters(vertx, hazelcast),
                        AccessLogSink.logger(), new ClusterAuthSessionStore(vertx, hazelcast))
                        .withInternalEndpoints(InternalTargets.check(registry))
                        .withFetchGuard(FetchAddressGuard.allowing(config.policyFetchRanges())))::compile, metrics);
        policies.notices(new AgentPolicyRefusals(sessions));
        IdentityAssertions identity = new IdentityAssertions(prepared.identityKeys(), "https://" + config.domain(),
                new PublicUrls(config.domain(), () -> httpPort, this::httpsPort)::of, java.time.Clock.systemUTC());
        Chains chains = EdgeChains.standard(config.proxyProtocol(), tenancy.rateLimiter(), policies.layers(), identity);

        // The public listeners, each handing connections and exchanges to the chains and the router.
        TcpEndpoints tcp = new TcpEndpoints(vertx, config.bindAddress(), registry, router, config.proxyProtocol().enabled(), chains)
                .pipeIdleTimeout(config.timeouts().pipeIdle()).tcpKeepAlive(config.httpLimits().tcpKeepAlive());
        // A UDP visitor never sends a PROXY header: it is its own client, once per visitor address.
        UdpEndpoints udp = new UdpEndpoints(vertx, config.bindAddress(), prepared.udp(), router, nodeId)
                .visitorCheck((endpoint, visitor) -> chains.onConnect(
                        new PublicConnection(visitor, visitor, endpoint.port(), false), endpoint));
        this.regions = regions(vertx, config, prepared, router, heldBy, chains);
        // The servers behind a loopback hop (terminated HTTPS, h2c) trust the hop's PROXY line and no other.
        Chains hopChains = EdgeChains.standard(PublicHttps.LOOPBACK_HOP, tenancy.rateLimiter(), policies.layers(), identity);
        PublicHttpServer h2c = new PublicHttpServer(vertx, regions.publicRegistry(), regions.publicLinks(), "127.0.0.1", 0,
                PublicHttps.LOOPBACK_HOP, config.httpLimits())
                .behindHop(hops.address(HopSockets.H2C))
                .chains(hopChains)
                .timeouts(config.timeouts())
                .redirectsTo(this::httpsPort)
                .clearTextHttp2Only();
        PublicHttpServer http = new PublicHttpServer(vertx, regions.publicRegistry(), regions.publicLinks(), config.bindAddress(),
                config.httpPort(), config.proxyProtocol(), config.httpLimits())
                .chains(chains)
                .timeouts(config.timeouts())
                .redirectsTo(this::httpsPort)
                .h2c(h2c);
        PublicHttps https = new PublicHttps(vertx, prepared.certificates(), regions.publicRegistry(), regions.publicLinks(), tcp,
                config.bindAddress(), config.https().port(), config.proxyProtocol(), config.httpLimits(), hopChains, config.timeouts(), hops);
        https.endpointCertificates().owners(mirror::hostnameOwner).reporting(
                new CertificateExpiryGauges(metrics, EndpointCertificates.SOURCE), new AgentCertificateNotices(sessions));
        this.acme = AcmeService.of(vertx, config.https().acme(), config.domain(), database.dataSource(), hazelcast, regions.publicRegistry(),
                new ReservedNameHolders(reservedNames), metrics).wire(http, https);
        this.listeners = new PublicListeners(http, https, tcp, udp, regions);
        this.follower = new RegistryFollower(vertx, registry, mirror, policies, listeners);

        // The agent links: sessions, binds, and the relay from other nodes.
        EndpointBinder binder = new EndpointBinder(registry, regions.localFirst(tcp), config.domain(), config.tcpPorts(),
                () -> httpPort, new BindPolicy(reservedNames, registry::countOwnedBy, config.domain()))
                .httpsPort(this::httpsPort)
                .beforeAnswer(endpoint -> prepared.certificates().ensureFor(vertx, endpoint.hostname()));
        binder.otherRegions(regions::tenantServingElsewhere);
        binder.udp(prepared.udp().ports(), udp);
        binder.policies(policies.endpoints());
        List<String> tokens = new ArrayList<>(config.authtokens());
        tokens.add(dataDirectory.devAuthtoken());
        this.storeProbe = new StoreProbe(vertx, database.dataSource(), database.description());
        this.readiness = new NodeReadiness(hazelcast, clusterNode, HazelcastSetup.expectedSize(config.cluster()), storeProbe);
        SessionServices services = new SessionServices(vertx, new TenantAuthenticator(new TokenVerifier(tokens), tenancy.tenants()),
                sessions, binder, registry, config.heartbeatInterval(), clusterNode::otherAgentAddresses, tenancy.sessions(),
                AuthFailureLimiter.defaults(), readiness::isDraining);
        // The agent link presents the operator's certificate when given; the relay link keeps the cluster CA of the
        // data directory, which every node shares (its key also derives the relay secret).
        this.linkServer = new AgentLinkServer(vertx, services,
                config.tls() != null ? config.tls().cert() : dataDirectory.pki().serverCert(),
                config.tls() != null ? config.tls().key() : dataDirectory.pki().serverKey(),
                config.bindAddress(), config.tunnelPort());
        this.relayServer = new RelayServer(vertx, sessions, registry, secret, dataDirectory.pki(), config.bindAddress(),
                config.cluster().relayPort(), config.heartbeatInterval());
        relayServer.acceptRegionStreams(router);
        relayServer.guardLookups(heldBy);

        // Operations: readiness, metrics, the admin API, the drain.
        this.opsServer = new OpsServer(vertx, metrics, readiness::notReadyReason, config.bindAddress(), config.opsPort());
        TenancySettings tenancySettings = prepared.tenancy();
        AdminApi adminApi = new AdminApi(new AdminAuth(vertx, adminToken, tenancySettings.oidcIssuer(), tenancySettings.oidcAudience()),
                tenancy.tenants(), reservedNames, tenancy.sessions(), registry, DomainVerifier.of(vertx, tenancySettings.domainVerifier()),
                record -> binder.publicUrl(record.toEndpoint()))
                .withRegions(regions::report)
                .withOperatorPolicies(policies.operators());
        opsServer.withRoutes(adminApi::mount);
        new NodeMetrics(metrics).links(sessions).cluster(mirror, clusterNode, relayPool, router, relayServer).listeners(listeners);
        regions.registerMetrics(metrics);
        tenancy.registerMetrics(metrics);
        this.drain = new NodeDrain(vertx, nodeId, localMember, config.drainTimeout(), readiness, listeners, sessions, clusterNode,
                mirror, registry);
    }

    /** The node's part in the deployment's regions: {@link Regions} with {@code --region}, none otherwise. */
    private NodeRegions regions(Vertx vertx, EdgeConfig config, NodeResources prepared, ClusterRouter router,
                                Function<String, Future<String>> heldBy, Chains chains) {
        if (!config.cluster().regional()) {
            return new SingleRegion(registry, router);
        }
        RelayPool regionRelays = new RelayPool(vertx, dataDirectory.pki().caCert(), prepared.secret(), nodeId, config.heartbeatInterval());
        return new Regions(vertx, config.cluster(), regionRelays, nodeId, registry, router, heldBy, config.domain(),
                database.dataSource(), config.bindAddress(), config.tcpPorts(), config.proxyProtocol(), chains,
                () -> new HostPort(config.cluster().advertiseAddress(), relayPort),
                () -> publishedTcpPorts(mirror), tenancy.reservedNames()::portOwner)
                .publicTcpSockets(config.httpLimits().tcpKeepAlive(), config.timeouts().pipeIdle());
    }

    /** The TCP ports bound in this region, with each endpoint's tenant, for the other regions. */
    private static Map<Integer, PublishedPort> publishedTcpPorts(EndpointMirror mirror) {
        Map<Integer, PublishedPort> ports = new TreeMap<>();
        mirror.liveTcpEndpoints().forEach((port, record) -> ports.put(port, new PublishedPort(record.id(),
                Principal.tenantOfOwnerKey(record.ownerKey()))));
        return ports;
    }

    /**
     * Starts a node on its own clustered Vert.x instance (native transport preferred, Vert.x metrics into the node's
     * Prometheus registry), which {@link #close()} closes.
     */
    public static Future<EdgeNode> start(EdgeConfig config) {
        return start(config, TenancySettings.defaults());
    }

    /** As {@link #start(EdgeConfig)}, with multi-tenancy settings (tenancy database, admin API's OpenID provider). */
    public static Future<EdgeNode> start(EdgeConfig config, TenancySettings tenancy) {
        return start(config, tenancy, UdpSettings.defaults());
    }

    /** As {@link #start(EdgeConfig, TenancySettings)}, with the UDP endpoint settings. */
    public static Future<EdgeNode> start(EdgeConfig config, TenancySettings tenancy, UdpSettings udp) {
        return NodeLauncher.onOwnVertx(config, tenancy, udp);
    }

    /** Starts a node on the caller's Vert.x instance (with its own Hazelcast member); {@link #close()} leaves Vert.x running. */
    public static Future<EdgeNode> start(Vertx vertx, EdgeConfig config) {
        return start(vertx, config, TenancySettings.defaults());
    }

    /** As {@link #start(Vertx, EdgeConfig)}, with multi-tenancy settings. */
    public static Future<EdgeNode> start(Vertx vertx, EdgeConfig config, TenancySettings tenancy) {
        return start(vertx, config, tenancy, null);
    }

    /** As {@link #start(Vertx, EdgeConfig, TenancySettings)}, compiling policies with {@code policySource} (tests). */
    static Future<EdgeNode> start(Vertx vertx, EdgeConfig config, TenancySettings tenancy, PolicySource policySource) {
        return NodeLauncher.onVertx(vertx, config, tenancy, policySource);
    }

    /** Builds the node's components and starts them; on a failure, stops what started. */
    static Future<EdgeNode> create(Vertx vertx, boolean ownsVertx, EdgeConfig config, NodeResources prepared,
                                          PrometheusMeterRegistry metrics) {
        // Domain sockets on the native transport only, the one the hop is tested and measured on; NIO gets loopback ports.
        return vertx.executeBlocking(() -> vertx.isNativeTransportEnabled()
                ? HopSockets.prepare(prepared.dataDirectory().path()) : HopSockets.loopback(), false).compose(hops -> {
            LOG.info("https: the hop to the servers that terminate TLS and h2c runs over {}", hops.describe());
            EdgeNode node;
            try {
                node = new EdgeNode(vertx, ownsVertx, config, prepared, metrics, hops);
            } catch (RuntimeException e) {
                return vertx.executeBlocking(() -> {
                    hops.remove();
                    return null;
                }, false).transform(ignored -> Future.failedFuture(e));
            }
            return node.listen().map(node).recover(error -> node.stopListeners().transform(ignored -> Future.failedFuture(error)));
        });
    }

    private Future<Void> listen() {
        return listeners.listen()
                .recover(error -> Future.failedFuture(cannotListen("public HTTP", config.httpPort(), "--http-port", error)))
                .compose(port -> {
                    httpPort = port;
                    return listeners.listenHttps()
                            .recover(error -> Future.failedFuture(cannotListen("public HTTPS", config.https().port(), "--https-port", error)));
                })
                .compose(port -> linkServer.listen()
                        .recover(error -> Future.failedFuture(cannotListen("the agent link", config.tunnelPort(), "--tunnel-port", error))))
                .compose(port -> {
                    tunnelPort = port;
                    return relayServer.listen()
                            .recover(error -> Future.failedFuture(cannotListen("the relay link", config.cluster().relayPort(), "--relay-port", error)));
                })
                .compose(port -> {
                    relayPort = port;
                    return opsServer.listen()
                            .recover(error -> Future.failedFuture(cannotListen("the ops port", config.opsPort(), "--ops-port", error)));
                })
                .compose(port -> {
                    opsPort = port;
                    return vertx.executeBlocking(this::joinCluster, false);
                })
                .compose(ignored -> Await.until(vertx, () -> relayPool.readyCount() >= relayPool.peers().size(),
                        System.nanoTime() + RELAYS_READY_WAIT.toNanos()))
                .map(relaysReady -> {
                    if (!relaysReady) {
                        LOG.warn("edge node {}: relay links to {} of {} other node(s) are not ready after {} s; ready anyway",
                                nodeId, relayPool.peers().size() - relayPool.readyCount(), relayPool.peers().size(),
                                RELAYS_READY_WAIT.toSeconds());
                    }
                    readiness.listening();
                    LOG.info("edge node {} up: http={} https={} tunnel={} (TLS 1.3, {} engine) relay={} ops={} cluster={}@{}:{} ({} members) transport={} domain={}",
                            nodeId, httpPort, listeners.httpsPort(), tunnelPort, linkServer.tlsEngine(), relayPort, opsPort, config.cluster().name(),
                            config.cluster().advertiseAddress(), clusterPort(), clusterNode.memberCount(),
                            vertx.isNativeTransportEnabled() ? "native" : "nio", config.domain());
                    return null;
                });
    }

    private EdgeStartException cannotListen(String what, int port, String flag, Throwable error) {
        return EdgeStartException.cannotListen(what, config.bindAddress(), port, flag, error);
    }

    /** Blocking: follow the registry (routes, TCP listeners of every endpoint in the cluster), then publish this node. */
    private Void joinCluster() {
        storeProbe.start();
        tenancy.startBlocking();
        policies.start();
        follower.startBlocking();
        clusterNode.join(new NodeInfo(localMember, nodeId, config.cluster().advertiseAddress(), tunnelPort, relayPort,
                config.cluster().agentAddress(tunnelPort)));
        regions.startBlocking();
        hazelcast.getLifecycleService().addLifecycleListener(event -> {
            if (event.getState() == LifecycleEvent.LifecycleState.MERGED) {
                afterMerge();
            }
        });
        return null;
    }

    /**
     * A split healed and this node's side merged into the other: Hazelcast replaced this side's data with the merged
     * data (each hostname kept by {@code EpochMergePolicy}). This node reloads its copy of the registry, publishes
     * itself again, and sends GO_AWAY to its agents, so that each re-links and re-binds against the merged registry:
     * a binding that won the merge is re-asserted with a new epoch; one that lost is refused (HOSTNAME_IN_USE), and no
     * node keeps routing to it.
     */
    private void afterMerge() {
        if (readiness.isDraining() || !readiness.isListening()) {
            return;
        }
        LOG.warn("edge node {}: merged back into the cluster after a split; reloading the registry and asking {} agent link(s) to re-link",
                nodeId, sessions.liveSessionCount());
        vertx.executeBlocking(() -> {
            follower.reloadBlocking();
            clusterNode.rejoin();
            return null;
        }, false).onComplete(ar -> {
            if (ar.failed()) {
                LOG.warn("edge node {}: reloading after the merge failed: {}", nodeId, ar.cause().toString());
            }
            sessions.goAwayAll("the edge cluster healed after a split; link again so that your endpoints are bound in the merged registry");
        });
    }

    /** Another node appeared or left: agents linked here that asked for updates get the new list of other nodes. */
    private void peersChanged() {
        sessions.edgeNodesChanged(clusterNode.otherAgentAddresses());
    }

    private void openPortListener(EndpointRecord record) {
        if (!record.links().isEmpty() && !readiness.isDraining()) {
            listeners.open(record);
        }
    }

    private void closePortListener(EndpointRecord record) {
        listeners.close(record);
    }

    private void closeRemovedEndpoints(List<Endpoint> removed) {
        listeners.closeRemoved(removed);
    }

    /**
     * Drains the node (SIGTERM, see {@link NodeDrain}): new connections go to other nodes, agents move their links, open
     * exchanges may finish until {@code --drain-timeout}; then {@link #close()}. Completes with how long it took.
     */
    public Future<Duration> drain() {
        return drain.drain(this::close);
    }

    /**
     * How long a starting node waits for its relay links to the other nodes before it calls itself ready: a request
     * it takes before then could only be relayed over a link still being set up, and would fail.
     */
    static final Duration RELAYS_READY_WAIT = Duration.ofSeconds(10);

    /** Whether {@link #drain()} has started. */
    public boolean isDraining() {
        return readiness.isDraining();
    }

    /**
     * Tells agents the node is going away, withdraws its links from the registry, leaves the cluster, closes every
     * listener and link, and the Vert.x instance if it owns it.
     */
    public synchronized Future<Void> close() {
        if (closing != null) {
            return closing;
        }
        Promise<Void> closed = Promise.promise();
        closing = closed.future();
        stopListeners().onComplete(ignored -> {
            if (ownsVertx) {
                // Closing a clustered Vert.x leaves the cluster through the cluster manager.
                vertx.close().onComplete(v -> {
                    shutdownHazelcast();
                    closed.complete();
                });
            } else {
                vertx.executeBlocking(() -> {
                    shutdownHazelcast();
                    return null;
                }, false).onComplete(v -> closed.complete());
            }
        });
        return closed.future();
    }

    private void shutdownHazelcast() {
        try {
            hazelcast.shutdown();
        } catch (RuntimeException e) {
            LOG.debug("hazelcast shutdown: {}", e.toString());
        }
        database.close();
    }

    private Future<Void> stopListeners() {
        readiness.stopped();
        storeProbe.close();
        acme.close();
        sessions.close();
        relayPool.close();
        regions.closeLinks();
        Future<Void> withdrawn = vertx.executeBlocking(() -> {
            follower.stopBlocking();
            regions.stopBlocking();
            tenancy.stopBlocking();
            policies.stop();
            clusterNode.leave();
            return null;
        }, false).compose(v -> registry.purgeNode(localMember)).<Void>mapEmpty().otherwiseEmpty();
        Future<Void> hopServersGone = listeners.close().transform(ignored -> vertx.executeBlocking(() -> {
            hops.remove();
            return null;
        }, false));
        return Future.join(withdrawn, linkServer.close(), hopServersGone, relayServer.close(),
                opsServer.close()).mapEmpty();
    }

    public EdgeConfig config() {
        return config;
    }

    /** The bound public HTTP port (the configured one, or the one picked for port 0). */
    public int httpPort() {
        return httpPort;
    }

    /** The bound public HTTPS port. */
    public int httpsPort() {
        return listeners.httpsPort();
    }

    /** The HTTPS listener's certificates, as held in memory. */
    public PublicCertificates certificates() {
        return listeners.certificates();
    }

    /** The bound agent link port. */
    public int tunnelPort() {
        return tunnelPort;
    }

    /** The dev CA certificate agents must trust ({@code --edge-ca}). */
    public Path caCertPath() {
        return dataDirectory.pki().caCert();
    }

    /** The dev authtoken of the data directory (always accepted, besides configured tokens). */
    public String devAuthtoken() {
        return dataDirectory.devAuthtoken();
    }

    /** The bootstrap admin token of the data directory (admin API, {@code Authorization: Bearer …}). */
    public String adminToken() {
        return adminToken;
    }

    /** Whether this start created the admin token (only then is it printed; later starts print its file). */
    public boolean adminTokenCreated() {
        return adminTokenCreated;
    }

    /** The file holding the bootstrap admin token. */
    public Path adminTokenFile() {
        return dataDirectory.path().resolve(AdminToken.FILE_NAME);
    }

    public TenantStore tenantStore() {
        return tenancy.tenants();
    }

    public ReservedNames reservedNames() {
        return tenancy.reservedNames();
    }

    public DataDirectory dataDirectory() {
        return dataDirectory;
    }

    public HazelcastEndpointRegistry registry() {
        return registry;
    }

    /** Sessions with a live agent link (a gauge tests can watch return to baseline). */
    public int liveSessionCount() {
        return sessions.liveSessionCount();
    }

    /** The range UDP endpoints are allocated from. */
    public PortRange udpPorts() {
        return listeners.udp().settings().ports();
    }

    /** UDP endpoint ports currently open. */
    public int udpListenerCount() {
        return listeners.udp().listenerCount();
    }

    /** TCP endpoint ports currently listening. */
    public int tcpListenerCount() {
        return listeners.tcp().listenerCount();
    }

    /** The bound relay link port. */
    public int relayPort() {
        return relayPort;
    }

    /** The bound ops port (/healthz, /readyz, /metrics). */
    public int opsPort() {
        return opsPort;
    }

    /** The Hazelcast member port actually bound. */
    public int clusterPort() {
        return hazelcast.getCluster().getLocalMember().getAddress().getPort();
    }

    /** This node's name ({@code --node-id} or generated). */
    public String nodeId() {
        return nodeId;
    }

    /** Members of the cluster as this node sees them. */
    public int clusterMemberCount() {
        return clusterNode.memberCount();
    }

    public HazelcastInstance hazelcast() {
        return hazelcast;
    }

    /** Which TLS engine serves the agent link ("OpenSSL" or "JDK"). */
    public String tlsEngine() {
        return linkServer.tlsEngine();
    }

    public Vertx vertx() {
        return vertx;
    }
}
