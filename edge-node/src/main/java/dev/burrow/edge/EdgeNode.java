package dev.burrow.edge;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
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
import dev.burrow.edge.chain.Chains;
import dev.burrow.edge.chain.EdgeChains;
import dev.burrow.edge.chain.EndpointPolicies;
import dev.burrow.edge.chain.IdentityAssertions;
import dev.burrow.edge.chain.PolicySource;
import dev.burrow.edge.config.EdgeConfig;
import dev.burrow.policy.AccessLogSink;
import dev.burrow.policy.PolicyCompiler;
import dev.burrow.policy.PolicyEnvironment;
import dev.burrow.edge.config.TenancySettings;
import dev.burrow.edge.admin.AdminApi;
import dev.burrow.edge.admin.AdminAuth;
import dev.burrow.edge.pki.AdminToken;
import dev.burrow.edge.store.Database;
import dev.burrow.edge.tenancy.BindPolicy;
import dev.burrow.edge.tenancy.DomainVerifier;
import dev.burrow.edge.tenancy.RemoteChanges;
import dev.burrow.edge.tenancy.RequestRateLimiter;
import dev.burrow.edge.tenancy.ReservedNames;
import dev.burrow.edge.tenancy.TenantAuthenticator;
import dev.burrow.edge.tenancy.TenantSessions;
import dev.burrow.edge.tenancy.TenantStore;
import dev.burrow.edge.ops.OpsServer;
import dev.burrow.edge.registry.EndpointRecord;
import dev.burrow.edge.registry.HazelcastEndpointRegistry;
import dev.burrow.edge.registry.PublicUrls;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import dev.burrow.edge.http.PublicHttpServer;
import dev.burrow.edge.link.AgentLinkServer;
import dev.burrow.edge.link.EndpointBinder;
import dev.burrow.edge.link.SessionServices;
import dev.burrow.edge.link.SessionTable;
import dev.burrow.edge.pki.TokenVerifier;
import dev.burrow.edge.registry.Endpoint;
import dev.burrow.edge.registry.EndpointRegistry;
import dev.burrow.edge.tcp.TcpEndpoints;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

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
    private final PrometheusMeterRegistry metrics;
    private final String localMember;
    private final String nodeId;
    private final HazelcastEndpointRegistry registry;
    private final SessionTable sessions;
    private final TcpEndpoints tcpEndpoints;
    private final dev.burrow.edge.udp.UdpEndpoints udpEndpoints;
    private final PublicListeners listeners;
    private final dev.burrow.edge.tls.acme.AcmeService acme;
    private final AgentLinkServer linkServer;
    private final RelayPool relayPool;
    private final RelayServer relayServer;
    private final ClusterRouter router;
    private final dev.burrow.edge.region.Regions regions;
    private final EndpointMirror mirror;
    private final ClusterNode clusterNode;
    private final OpsServer opsServer;
    private final Database database;
    private final String adminToken;
    private final boolean adminTokenCreated;
    private final TenantStore tenantStore;
    private final ReservedNames reservedNames;
    private final TenantSessions tenantSessions;
    /** Other regions' tenancy writes, read from the shared database; null when no regions share one. */
    private final RemoteChanges remoteChanges;
    private final RequestRateLimiter rateLimiter;
    /** Every endpoint's compiled traffic policy, compiled when this node learns the endpoint. */
    private final EndpointPolicies policies;
    /** The operators' policies and the layers that run them before each endpoint's own. */
    private final NodePolicies trafficPolicies;
    private final dev.burrow.edge.store.StoreProbe storeProbe;
    private volatile boolean listening;
    private volatile boolean draining;
    private volatile int httpPort;
    /** Whether every relay link was up at least once since the node started (see {@link #startupRelayProblem}). */
    private volatile boolean relaysUpOnce;
    private volatile int tunnelPort;
    private volatile int relayPort;
    private volatile int opsPort;
    private UUID registryListener;
    private Future<Void> closing;

    private EdgeNode(Vertx vertx, boolean ownsVertx, EdgeConfig config, DataDirectory dataDirectory,
                     HazelcastInstance hazelcast, RelaySecret secret, PrometheusMeterRegistry metrics, NodeResources prepared) {
        this.database = prepared.database();
        this.adminToken = prepared.adminToken();
        this.adminTokenCreated = prepared.adminTokenCreated();
        this.vertx = vertx;
        this.ownsVertx = ownsVertx;
        this.config = config;
        this.dataDirectory = dataDirectory;
        this.hazelcast = hazelcast;
        this.metrics = metrics;
        this.localMember = ClusterNode.localMember(hazelcast);
        this.nodeId = config.cluster().nodeId() != null ? config.cluster().nodeId() : "node-" + localMember.substring(0, 8);
        this.registry = new HazelcastEndpointRegistry(vertx, hazelcast, localMember, nodeId);
        this.sessions = new SessionTable(vertx, registry, config.offlineGrace(), this::closeRemovedEndpoints,
                new SessionDirectory(hazelcast));
        this.relayPool = new RelayPool(vertx, dataDirectory.pki().caCert(), secret, nodeId, config.heartbeatInterval());
        this.mirror = new EndpointMirror(this::openTcpListener, this::closePortListener);
        this.router = new ClusterRouter(sessions, mirror, relayPool, localMember);
        this.rateLimiter = new RequestRateLimiter(vertx, hazelcast);
        this.trafficPolicies = new NodePolicies(vertx, hazelcast, prepared.policySource() != null ? prepared.policySource()
                : new PolicyCompiler(PolicyEnvironment.of(vertx, new ClusterRateLimitCounters(vertx, hazelcast),
                        AccessLogSink.logger()))::compile, metrics);
        this.policies = trafficPolicies.endpoints();
        trafficPolicies.notices(new dev.burrow.edge.link.AgentPolicyRefusals(sessions));
        IdentityAssertions identity = new IdentityAssertions(prepared.identityKeys(), "https://" + config.domain(),
                new PublicUrls(config.domain(), () -> httpPort, this::httpsPort)::of, java.time.Clock.systemUTC());
        Chains chains = EdgeChains.standard(config.proxyProtocol(), rateLimiter, trafficPolicies.layers(), identity);
        this.tcpEndpoints = new TcpEndpoints(vertx, config.bindAddress(), registry, router, config.proxyProtocol().enabled(), chains)
                .pipeIdleTimeout(config.timeouts().pipeIdle()).tcpKeepAlive(config.httpLimits().tcpKeepAlive());
        // A UDP visitor never sends a PROXY header: it is its own client, once per visitor address.
        this.udpEndpoints = new dev.burrow.edge.udp.UdpEndpoints(vertx, config.bindAddress(), prepared.udp(), router, nodeId)
                .visitorCheck((endpoint, visitor) -> chains.onConnect(
                        new dev.burrow.edge.chain.PublicConnection(visitor, visitor, endpoint.port(), false), endpoint));
        this.clusterNode = new ClusterNode(vertx, hazelcast, registry, relayPool, config.offlineGrace(), this::peersChanged);
        List<String> tokens = new ArrayList<>(config.authtokens());
        tokens.add(dataDirectory.devAuthtoken());
        this.tenantStore = new TenantStore(vertx, hazelcast);
        this.reservedNames = new ReservedNames(vertx, hazelcast, tenantStore, config.domain());
        this.tenantSessions = new TenantSessions(vertx, hazelcast, localMember, nodeId);
        BindPolicy policy = new BindPolicy(reservedNames, registry::countOwnedBy, config.domain());
        // Who holds a name in this region: a reservation or a verified custom domain (a pending one holds nothing).
        java.util.function.Function<String, Future<String>> heldBy = host -> reservedNames.ownerOf(host)
                .map(owner -> owner == null || !owner.verified() ? null : owner.tenantId());
        this.regions = !config.cluster().regional() ? null : new dev.burrow.edge.region.Regions(vertx, config.cluster(),
                new RelayPool(vertx, dataDirectory.pki().caCert(), secret, nodeId, config.heartbeatInterval()), nodeId,
                registry, router, heldBy, config.domain(), database.dataSource(), config.bindAddress(), config.tcpPorts(), config.proxyProtocol(), chains,
                () -> new dev.burrow.edge.config.HostPort(config.cluster().advertiseAddress(), relayPort),
                () -> publishedTcpPorts(mirror), reservedNames::portOwner)
                .publicTcpSockets(config.httpLimits().tcpKeepAlive(), config.timeouts().pipeIdle());
        this.remoteChanges = prepared.changeLog() == null ? null
                : new RemoteChanges(vertx, hazelcast, prepared.changeLog(), prepared.changesFrom(), tenantSessions);
        EndpointBinder binder = new EndpointBinder(registry, regions == null ? tcpEndpoints : regions.localFirst(tcpEndpoints),
                config.domain(), config.tcpPorts(), () -> httpPort, policy).httpsPort(this::httpsPort)
                .beforeAnswer(endpoint -> prepared.certificates().ensureFor(vertx, endpoint.hostname()));
        if (regions != null) {
            binder.otherRegions(regions::tenantServingElsewhere);
        }
        binder.udp(prepared.udp().ports(), udpEndpoints);
        binder.policies(policies);
        SessionServices services = new SessionServices(vertx, new TenantAuthenticator(new TokenVerifier(tokens), tenantStore),
                sessions, binder, registry, config.heartbeatInterval(), clusterNode::otherAgentAddresses, tenantSessions,
                dev.burrow.edge.link.AuthFailureLimiter.defaults(), () -> draining);
        dev.burrow.edge.registry.EndpointRegistry publicRegistry = regions == null ? registry : regions.publicRegistry();
        dev.burrow.edge.link.AgentLinks publicLinks = regions == null ? router : regions.publicLinks();
        PublicHttpServer httpServer = new PublicHttpServer(vertx, publicRegistry, publicLinks, config.bindAddress(), config.httpPort(),
                config.proxyProtocol(), config.httpLimits())
                .chains(chains)
                .timeouts(config.timeouts())
                .redirectsTo(this::httpsPort);
        dev.burrow.edge.tls.PublicHttps https = new dev.burrow.edge.tls.PublicHttps(vertx, prepared.certificates(), publicRegistry,
                publicLinks, tcpEndpoints, config.bindAddress(), config.https().port(), config.proxyProtocol(), config.httpLimits(),
                EdgeChains.standard(dev.burrow.edge.tls.PublicHttps.LOOPBACK_HOP, rateLimiter, trafficPolicies.layers(), identity),
                config.timeouts());
        this.acme = dev.burrow.edge.tls.acme.AcmeService.of(vertx, config.https().acme(), database.dataSource(), hazelcast,
                publicRegistry, heldBy, metrics).wire(httpServer, https);
        this.listeners = new PublicListeners(httpServer, https, tcpEndpoints, udpEndpoints, regions);
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
        this.storeProbe = new dev.burrow.edge.store.StoreProbe(vertx, database.dataSource(), database.description());
        this.opsServer = new OpsServer(vertx, metrics, readiness()::notReadyReason, config.bindAddress(), config.opsPort());
        TenancySettings tenancy = prepared.tenancy();
        AdminApi adminApi = new AdminApi(new AdminAuth(vertx, adminToken, tenancy.oidcIssuer(), tenancy.oidcAudience()),
                tenantStore, reservedNames, tenantSessions, registry, DomainVerifier.of(vertx, tenancy.domainVerifier()),
                record -> binder.publicUrl(record.toEndpoint()));
        if (regions != null) {
            adminApi.withRegions(regions::report);
        }
        adminApi.withOperatorPolicies(trafficPolicies.operators());
        opsServer.withRoutes(adminApi::mount);
        registerMetrics();
    }

    /** Ready when the node can accept agents and bind endpoints; each failing check says why not (docs/cluster.md). */
    private dev.burrow.edge.ops.Readiness readiness() {
        int configured = dev.burrow.edge.cluster.HazelcastSetup.expectedSize(config.cluster());
        return new dev.burrow.edge.ops.Readiness()
                .check("joined", dev.burrow.edge.ops.Readiness.unless(() -> hazelcast.getLifecycleService().isRunning(),
                        "not joined to the cluster"))
                .check("listening", dev.burrow.edge.ops.Readiness.unless(() -> listening, "listeners not up"))
                .check("majority", () -> clusterNode.minorityProblem(configured))
                .check("relays", this::startupRelayProblem)
                .check("store", storeProbe::problem)
                .check("draining", dev.burrow.edge.ops.Readiness.unless(() -> !draining, "draining"));
    }

    /**
     * Relay links gate readiness while the node starts: once all were up, a peer that drains or dies must not take this
     * node out of its load balancer as well (with every node doing so, a rolling restart emptied the balancer).
     */
    private String startupRelayProblem() {
        if (!listening || relaysUpOnce) {
            return null;
        }
        String problem = clusterNode.relayProblem();
        if (problem == null) {
            relaysUpOnce = true;
        }
        return problem;
    }

    /** The TCP ports bound in this region, with each endpoint's tenant, for the other regions. */
    private static java.util.Map<Integer, dev.burrow.edge.region.PublishedPort> publishedTcpPorts(EndpointMirror mirror) {
        java.util.Map<Integer, dev.burrow.edge.region.PublishedPort> ports = new java.util.TreeMap<>();
        mirror.liveTcpEndpoints().forEach((port, record) -> ports.put(port, new dev.burrow.edge.region.PublishedPort(record.id(),
                dev.burrow.edge.tenancy.Principal.tenantOfOwnerKey(record.ownerKey()))));
        return ports;
    }

    private void registerMetrics() {
        Gauge.builder("burrow_agent_links", sessions, SessionTable::liveSessionCount)
                .description("Agent sessions with a live link to this node").register(metrics);
        Gauge.builder("burrow_endpoints", mirror, EndpointMirror::size)
                .description("Endpoints registered in the cluster").register(metrics);
        Gauge.builder("burrow_open_streams", sessions, SessionTable::openStreamCount)
                .description("Streams open on this node's agent links").register(metrics);
        Gauge.builder("burrow_cluster_members", clusterNode, ClusterNode::memberCount)
                .description("Members of the cluster as this node sees it").register(metrics);
        Gauge.builder("burrow_relay_links", relayPool, RelayPool::readyCount)
                .description("Ready relay links from this node to other nodes").register(metrics);
        FunctionCounter.builder("burrow_relayed_streams", router, ClusterRouter::relayedCount)
                .description("Public connections and requests this node relayed to another node").register(metrics);
        FunctionCounter.builder("burrow_relay_streams_served", relayServer, RelayServer::streamsServed)
                .description("Relayed streams this node passed to its agents").register(metrics);
        FunctionCounter.builder("burrow_region_lookups_answered", relayServer, RelayServer::lookupsAnswered)
                .description("Endpoint lookups this node answered for other regions").register(metrics);
        if (regions != null) {
            regions.registerMetrics(metrics);
        }
        if (remoteChanges != null) {
            FunctionCounter.builder("burrow_region_tenancy_changes_applied", remoteChanges, RemoteChanges::appliedCount)
                    .description("Tenancy writes of other regions applied to this region's maps").register(metrics);
        }
        Gauge.builder("burrow_tcp_listeners", tcpEndpoints, TcpEndpoints::listenerCount)
                .description("TCP endpoint ports this node listens on").register(metrics);
        udpEndpoints.registerMetrics(metrics);
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
        return start(config, tenancy, dev.burrow.edge.config.UdpSettings.defaults());
    }

    /** As {@link #start(EdgeConfig, TenancySettings)}, with the UDP endpoint settings. */
    public static Future<EdgeNode> start(EdgeConfig config, TenancySettings tenancy, dev.burrow.edge.config.UdpSettings udp) {
        EdgeConfig valid;
        TenancySettings validTenancy;
        dev.burrow.edge.config.UdpSettings validUdp;
        try {
            valid = config.validate();
            validTenancy = tenancy.validate();
            validUdp = udp.validate();
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // Context-less promise: a future chained on an event-loop context would never complete once Vert.x is closed.
        Promise<EdgeNode> result = Promise.promise();
        Future.fromCompletionStage(CompletableFuture.supplyAsync(() -> NodeResources.prepare(valid, validTenancy, validUdp))).onComplete(prepared -> {
            if (prepared.failed()) {
                result.fail(prepared.cause());
                return;
            }
            NodeResources p = prepared.result();
            VertxOptions options = new VertxOptions().setPreferNativeTransport(true)
                    .setEventLoopPoolSize(valid.effectiveEventLoops())
                    .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true));
            options.getEventBusOptions().setHost(valid.cluster().advertiseAddress()).setPort(0);
            Vertx.builder().with(options)
                    .withClusterManager(new HazelcastClusterManager(p.hazelcast()))
                    .withMetrics(new dev.burrow.edge.ops.ProxyProtocolAwareMetrics(new MicrometerMetricsFactory(metrics)))
                    .buildClustered()
                    .onComplete(built -> {
                        if (built.failed()) {
                            p.hazelcast().shutdown();
                            p.database().close();
                            result.fail(built.cause());
                            return;
                        }
                        Vertx vertx = built.result();
                        start(vertx, true, valid, p, metrics).onComplete(ar -> {
                            if (ar.succeeded()) {
                                result.complete(ar.result());
                            } else {
                                vertx.close().onComplete(ignored -> {
                                    p.hazelcast().shutdown();
                                    p.database().close();
                                    result.fail(ar.cause());
                                });
                            }
                        });
                    });
        });
        return result.future();
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
        EdgeConfig valid;
        TenancySettings validTenancy;
        try {
            valid = config.validate();
            validTenancy = tenancy.validate();
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        return vertx.executeBlocking(() -> NodeResources.prepare(valid, validTenancy, dev.burrow.edge.config.UdpSettings.defaults())
                .withPolicySource(policySource), false).compose(p -> start(vertx, false, valid, p, metrics)
                .recover(error -> vertx.executeBlocking(() -> {
                    p.hazelcast().shutdown();
                    p.database().close();
                    return null;
                }, false).transform(ignored -> Future.failedFuture(error))));
    }

    private static Future<EdgeNode> start(Vertx vertx, boolean ownsVertx, EdgeConfig config, NodeResources prepared,
                                          PrometheusMeterRegistry metrics) {
        EdgeNode node;
        try {
            node = new EdgeNode(vertx, ownsVertx, config, prepared.dataDirectory(), prepared.hazelcast(), prepared.secret(), metrics, prepared);
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
        return node.listen().map(node).recover(error -> node.stopListeners().transform(ignored -> Future.failedFuture(error)));
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
                .compose(ignored -> awaitUntil(() -> relayPool.readyCount() >= relayPool.peers().size(),
                        System.nanoTime() + RELAYS_READY_WAIT.toNanos()))
                .map(relaysReady -> {
                    if (!relaysReady) {
                        LOG.warn("edge node {}: relay links to {} of {} other node(s) are not ready after {} s; ready anyway",
                                nodeId, relayPool.peers().size() - relayPool.readyCount(), relayPool.peers().size(),
                                RELAYS_READY_WAIT.toSeconds());
                    }
                    listening = true;
                    LOG.info("edge node {} up: http={} https={} tunnel={} (TLS 1.3, {} engine) relay={} ops={} cluster={}@{}:{} ({} members) transport={} domain={}",
                            nodeId, httpPort, listeners.httpsPort(), tunnelPort, linkServer.tlsEngine(), relayPort, opsPort, config.cluster().name(),
                            config.cluster().advertiseAddress(), clusterPort(), clusterNode.memberCount(),
                            vertx.isNativeTransportEnabled() ? "native" : "nio", config.domain());
                    return null;
                });
    }

    private EdgeStartException cannotListen(String what, int port, String flag, Throwable error) {
        String reason = String.valueOf(error.getMessage());
        if (reason.toLowerCase(java.util.Locale.ROOT).contains("address already in use")) {
            reason = "the port is already in use";
        } else if (reason.toLowerCase(java.util.Locale.ROOT).contains("permission denied")) {
            reason = "permission denied (ports below 1024 need privileges)";
        }
        return new EdgeStartException("cannot listen for " + what + " on " + config.bindAddress() + ":" + port + ": "
                + reason + "; choose another " + flag + " (0 picks a free port)", error);
    }

    /** Blocking: follow the registry (routes, TCP listeners of every endpoint in the cluster), then publish this node. */
    private Void joinCluster() {
        storeProbe.start();
        tenantSessions.start();
        rateLimiter.startBlocking();
        reservedNames.startMirror();
        tenantStore.startMirror();
        trafficPolicies.start();
        registryListener = registry.listen(this::learned, this::forgotten);
        registry.useLocalView(mirror::record);
        registry.useLocalKeys(mirror::keyOf);
        for (EndpointRecord record : registry.recordsBlocking()) {
            learned(record);
        }
        clusterNode.join(new NodeInfo(localMember, nodeId, config.cluster().advertiseAddress(), tunnelPort, relayPort,
                config.cluster().agentAddress(tunnelPort)));
        if (regions != null) {
            regions.startBlocking();
        }
        if (remoteChanges != null) {
            remoteChanges.start();
        }
        hazelcast.getLifecycleService().addLifecycleListener(event -> {
            if (event.getState() == com.hazelcast.core.LifecycleEvent.LifecycleState.MERGED) {
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
        if (draining || !listening) {
            return;
        }
        LOG.warn("edge node {}: merged back into the cluster after a split; reloading the registry and asking {} agent link(s) to re-link",
                nodeId, sessions.liveSessionCount());
        vertx.executeBlocking(() -> {
            if (registryListener != null) {
                registry.stopListening(registryListener);
            }
            registryListener = registry.listen(this::learned, this::forgotten);
            mirror.replaceAll(registry.recordsBlocking());
            clusterNode.rejoin();
            return null;
        }, false).onComplete(ar -> {
            if (ar.failed()) {
                LOG.warn("edge node {}: reloading after the merge failed: {}", nodeId, ar.cause().toString());
            }
            sessions.goAwayAll("the edge cluster healed after a split; link again so that your endpoints are bound in the merged registry");
        });
    }

    /**
     * The registry has a new or changed endpoint: route it, compile its policy once, now, and give a new name its
     * certificate.
     */
    private void learned(EndpointRecord record) {
        policies.learned(record);
        mirror.changed(record);
        if (record.protocol().hasHostname()) {
            listeners.certificates().ensureFor(vertx, record.hostname()).onFailure(error ->
                    LOG.warn("https: no certificate for {}: {}", record.hostname(), error.getMessage()));
        }
    }

    /** A record left the registry: this node's copy follows, and a certificate issued for its name goes. */
    private void forgotten(EndpointRecord record) {
        mirror.removed(record);
        policies.forget(record.id());
        trafficPolicies.layers().forget(record.id());
        if (record.protocol().hasHostname()) {
            listeners.certificates().forget(record.hostname());
        }
    }

    /** Another node appeared or left: agents linked here that asked for updates get the new list of other nodes. */
    private void peersChanged() {
        sessions.edgeNodesChanged(clusterNode.otherAgentAddresses());
    }

    private void openTcpListener(EndpointRecord record) {
        if (!record.links().isEmpty() && !draining) {
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
     * Drains the node (SIGTERM), without blocking any thread: readiness turns to 503 "draining"; the public HTTP and
     * TCP listeners stop accepting at once (a load balancer sends new connections to the other nodes) while the
     * exchanges and TCP connections already open at this node go on; GO_AWAY on every agent link, so the agents open
     * their replacement links on other nodes; once each local session has a link elsewhere (or after
     * {@link #MOVE_WAIT}, or at once in a cluster of one) this node's links are withdrawn from the registry so that
     * other nodes stop relaying here; the public connections and the streams still open on the agent links may
     * finish until {@code --drain-timeout} after the start; then {@link #close()} closes what is left and leaves the
     * cluster. Completes with how long it took.
     */
    public Future<java.time.Duration> drain() {
        long started = System.nanoTime();
        long deadline = started + config.drainTimeout().toNanos();
        draining = true;
        int localSessions = sessions.liveSessionCount();
        LOG.info("edge node {} draining: public listeners closed to new connections; GO_AWAY to {} agent link(s); "
                        + "open exchanges may take up to {}", nodeId, localSessions,
                dev.burrow.edge.config.DurationText.format(config.drainTimeout()));
        Future<Void> publicClosed = listeners.shutdown(config.drainTimeout());
        sessions.goAwayAll("the edge node is draining; move this link to another node");
        long moveDeadline = clusterNode.memberCount() <= 1 ? started
                : Math.min(deadline, started + MOVE_WAIT.toNanos());
        return awaitUntil(this::agentsMoved, moveDeadline)
                .compose(moved -> {
                    if (!moved) {
                        LOG.warn("edge node {} draining: {} session(s) have no link on another node yet; withdrawing anyway",
                                nodeId, sessions.liveSessionIds().stream().filter(s -> !hasLinkElsewhere(s)).count());
                    }
                    return registry.purgeNode(localMember).<Void>mapEmpty().otherwiseEmpty();
                })
                .compose(v -> awaitUntil(() -> publicClosed.isComplete() && sessions.openStreamCount() == 0, deadline))
                .compose(finished -> {
                    if (!finished) {
                        LOG.warn("edge node {} draining: {} stream(s) still open after {}; closing them", nodeId,
                                sessions.openStreamCount(), dev.burrow.edge.config.DurationText.format(config.drainTimeout()));
                    }
                    java.time.Duration took = java.time.Duration.ofNanos(System.nanoTime() - started);
                    LOG.info("edge node {} drained in {} ms; leaving the cluster", nodeId, took.toMillis());
                    return close().map(took);
                });
    }

    /**
     * How long a starting node waits for its relay links to the other nodes before it calls itself ready: a request
     * it takes before then could only be relayed over a link still being set up, and would fail.
     */
    static final java.time.Duration RELAYS_READY_WAIT = java.time.Duration.ofSeconds(10);

    /** How long a drain waits for the agents to open their replacement links before withdrawing this node's. */
    static final java.time.Duration MOVE_WAIT = java.time.Duration.ofSeconds(10);
    private static final long DRAIN_POLL_MILLIS = 50;

    private boolean agentsMoved() {
        return sessions.liveSessionIds().stream().allMatch(this::hasLinkElsewhere);
    }

    private boolean hasLinkElsewhere(String sessionId) {
        return mirror.nodesOf(sessionId).stream().anyMatch(node -> !node.equals(localMember));
    }

    /** Completes with true once {@code condition} holds, with false at {@code deadlineNanos}; polls on a timer. */
    private Future<Boolean> awaitUntil(java.util.function.BooleanSupplier condition, long deadlineNanos) {
        Promise<Boolean> done = Promise.promise();
        pollUntil(condition, deadlineNanos, done);
        return done.future();
    }

    private void pollUntil(java.util.function.BooleanSupplier condition, long deadlineNanos, Promise<Boolean> done) {
        if (condition.getAsBoolean()) {
            done.complete(true);
        } else if (System.nanoTime() - deadlineNanos >= 0) {
            done.complete(false);
        } else {
            vertx.setTimer(DRAIN_POLL_MILLIS, id -> pollUntil(condition, deadlineNanos, done));
        }
    }

    /** Whether {@link #drain()} has started. */
    public boolean isDraining() {
        return draining;
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
        draining = true;
        listening = false;
        storeProbe.close();
        acme.close();
        sessions.close();
        relayPool.close();
        if (regions != null) {
            regions.closeLinks();
        }
        Future<Void> withdrawn = vertx.executeBlocking(() -> {
            if (registryListener != null) {
                registry.stopListening(registryListener);
            }
            if (regions != null) {
                regions.stopBlocking();
            }
            if (remoteChanges != null) {
                remoteChanges.stop();
            }
            tenantSessions.close();
            rateLimiter.close();
            reservedNames.stopMirror();
            tenantStore.stopMirror();
            trafficPolicies.stop();
            clusterNode.leave();
            return null;
        }, false).compose(v -> registry.purgeNode(localMember)).<Void>mapEmpty().otherwiseEmpty();
        return Future.join(withdrawn, linkServer.close(), listeners.close(), relayServer.close(),
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
    public dev.burrow.edge.tls.PublicCertificates certificates() {
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
        return tenantStore;
    }

    public ReservedNames reservedNames() {
        return reservedNames;
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
    public dev.burrow.edge.config.PortRange udpPorts() {
        return udpEndpoints.settings().ports();
    }

    /** UDP endpoint ports currently open. */
    public int udpListenerCount() {
        return udpEndpoints.listenerCount();
    }

    /** TCP endpoint ports currently listening. */
    public int tcpListenerCount() {
        return tcpEndpoints.listenerCount();
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
