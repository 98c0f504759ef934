package dev.burrow.edge.cluster;

import dev.burrow.edge.deploy.ListenerDeployment;
import dev.burrow.edge.link.AgentLink;
import dev.burrow.edge.link.SessionTable;
import dev.burrow.edge.pki.DevPki;
import dev.burrow.edge.registry.EndpointRegistry;
import dev.burrow.mux.LinkRole;
import dev.burrow.mux.MuxOptions;
import dev.burrow.mux.MuxStream;
import dev.burrow.mux.StreamMultiplexer;
import dev.burrow.protocol.ControlMessage;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.protocol.ProtocolLimits;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The relay listener other nodes dial. A relay link must send the {@link RelaySecret} in an {@code auth} message
 * within the handshake timeout; then each stream it opens is for an endpoint one of this node's agents serves, and is
 * spliced into a new stream on that agent's link. A stream for an agent this node has no link to is reset at once.
 */
public final class RelayServer {
    private static final Logger LOG = LoggerFactory.getLogger(RelayServer.class);

    private final Vertx vertx;
    private final SessionTable sessions;
    private final EndpointRegistry registry;
    private final RelaySecret secret;
    private final Duration heartbeatInterval;
    private final NetServerOptions options;
    private final int port;
    private final AtomicLong streamsServed = new AtomicLong();
    private ListenerDeployment deployment;
    private volatile dev.burrow.edge.link.AgentLinks regionRouter;
    private final AtomicLong lookupsAnswered = new AtomicLong();
    private volatile java.util.function.Function<String, Future<String>> heldBy = host -> Future.succeededFuture();

    public RelayServer(Vertx vertx, SessionTable sessions, EndpointRegistry registry, RelaySecret secret, DevPki pki,
                       String bindAddress, int port, Duration heartbeatInterval) {
        this.vertx = vertx;
        this.sessions = sessions;
        this.registry = registry;
        this.secret = secret;
        this.heartbeatInterval = heartbeatInterval;
        this.port = port;
        this.options = new NetServerOptions()
                .setHost(bindAddress)
                .setTcpNoDelay(true)
                .setSsl(true)
                .setKeyCertOptions(new PemKeyCertOptions().setCertPath(pki.serverCert().toString()).setKeyPath(pki.serverKey().toString()))
                .setEnabledSecureTransportProtocols(Set.of("TLSv1.3"))
                .setSslEngineOptions(OpenSSLEngineOptions.isAvailable() ? new OpenSSLEngineOptions() : new JdkSSLEngineOptions());
    }

    public Future<Integer> listen() {
        return ListenerDeployment.deploy(vertx, ListenerDeployment.defaultInstances(vertx), port, instancePort ->
                        vertx.createNetServer(new NetServerOptions(options).setPort(instancePort))
                                .connectHandler(this::onConnect)
                                .listen()
                                .map(ListenerDeployment.Bound::of))
                .onSuccess(d -> deployment = d)
                .map(ListenerDeployment::port);
    }

    /**
     * Accepts relay links from other regions too: they may ask {@code endpoint_lookup}, and their streams go to the
     * endpoint's agent through {@code router} (this node's link, or one more hop to the node of this region that has
     * one). Streams from nodes of this region are never forwarded again, so a stale route cannot loop.
     */
    public void acceptRegionStreams(dev.burrow.edge.link.AgentLinks router) {
        this.regionRouter = router;
    }

    /** Endpoint lookups answered for other regions so far. */
    public long lookupsAnswered() {
        return lookupsAnswered.get();
    }

    /** Relay streams spliced to a local agent link so far (relayed requests served by this node). */
    public long streamsServed() {
        return streamsServed.get();
    }

    private void onConnect(NetSocket socket) {
        Context context = Vertx.currentContext();
        String remote = String.valueOf(socket.remoteAddress());
        StreamMultiplexer mux = new StreamMultiplexer(vertx, socket, LinkRole.ACCEPTOR,
                MuxOptions.defaults("relay-link from " + remote).withHeartbeatInterval(heartbeatInterval));
        boolean[] authenticated = new boolean[1];
        boolean[] fromRegion = new boolean[1];
        long timer = vertx.setTimer(ProtocolLimits.HANDSHAKE_TIMEOUT.toMillis(), id -> {
            if (!authenticated[0]) {
                LOG.warn("{}: closing: no relay handshake within {} s", mux.name(), ProtocolLimits.HANDSHAKE_TIMEOUT.toSeconds());
                mux.close(ErrorCode.HANDSHAKE_TIMEOUT, "no relay handshake in time");
            }
        });
        mux.controlHandler(message -> {
            if (authenticated[0]) {
                if (fromRegion[0] && message instanceof ControlMessage.EndpointLookup lookup) {
                    answerLookup(mux, lookup);
                }
                return;
            }
            vertx.cancelTimer(timer);
            if (message instanceof ControlMessage.Auth auth && secret.matches(auth.authtoken())) {
                authenticated[0] = true;
                // A typed role (review L3), not the free text of the hello.
                fromRegion[0] = regionRouter != null && auth.features().contains(ControlMessage.Auth.FEATURE_REGION_LINK);
                mux.name("relay-link from " + remote + " (" + auth.agentVersion() + ")");
                mux.peerReadsTrailers(auth.supports(ControlMessage.FEATURE_TRAILERS));
                mux.sendControl(ControlMessage.AuthResult.accepted("relay", heartbeatInterval.toMillis())
                        .withFeatures(java.util.List.of(ControlMessage.FEATURE_TRAILERS, ControlMessage.FEATURE_POLICY_TRAIL)));
                LOG.info("{}: accepted", mux.name());
            } else {
                String why = "the relay secret does not match; every node of a cluster must share the cluster CA";
                LOG.warn("{}: refused: {}", mux.name(), why);
                mux.sendControl(ControlMessage.AuthResult.refused(ErrorCode.AUTH_FAILED, why));
                mux.close(ErrorCode.AUTH_FAILED, why);
            }
        });
        mux.incomingStreamHandler(stream -> {
            if (!authenticated[0]) {
                stream.reset(ErrorCode.NOT_AUTHENTICATED, "relay streams need the relay handshake first");
                return;
            }
            if (fromRegion[0]) {
                onRegionStream(stream, context);
            } else {
                onStream(stream, context);
            }
        });
        mux.closeHandler(reason -> {
            vertx.cancelTimer(timer);
            LOG.debug("{}: closed: {}", mux.name(), reason);
        });
        mux.start();
    }

    private void onStream(MuxStream relayStream, Context relayContext) {
        // Hold the stream's bytes and its half-close (often in the same packet as the OPEN) until the splice takes them.
        relayStream.pause();
        String endpointId = relayStream.open().endpointId();
        String sessionId = sessions.sessionOfEndpoint(endpointId);
        Future<String> session = sessionId != null ? Future.succeededFuture(sessionId)
                : registry.lookupId(endpointId).map(e -> e == null ? null : e.sessionId());
        session.onComplete(ar -> {
            AgentLink link = ar.succeeded() && ar.result() != null ? sessions.findServing(ar.result(), endpointId) : null;
            if (link == null) {
                relayStream.reset(ErrorCode.GOING_AWAY, "the relayed-to node has no link to the agent of endpoint " + endpointId
                        + " any more");
                return;
            }
            spliceToAgent(relayStream, relayContext, link);
        });
    }

    /** Opens the relayed stream on the agent's link and joins the two, each on its own context. */
    private void spliceToAgent(MuxStream relayStream, Context relayContext, AgentLink link) {
        streamsServed.incrementAndGet();
        link.openStream(relayStream.open()).onComplete(opened -> {
            if (opened.failed()) {
                relayStream.reset(ErrorCode.INTERNAL_ERROR, "could not open a stream to the agent: " + opened.cause().getMessage());
                return;
            }
            StreamSplice.join(relayStream, relayContext, opened.result(), link.context());
        });
    }

    /**
     * Who holds a hostname in this region (the tenant id), for answering other regions; the default holds nothing.
     * Set before {@link #listen()}.
     */
    public void guardLookups(java.util.function.Function<String, Future<String>> heldBy) {
        this.heldBy = heldBy;
    }

    private void answerLookup(StreamMultiplexer mux, ControlMessage.EndpointLookup lookup) {
        String hostname = dev.burrow.edge.registry.Hostnames.normalize(lookup.hostname());
        Future<dev.burrow.edge.registry.Endpoint> found = hostname == null ? Future.succeededFuture()
                : registry.lookupHostname(hostname);
        found.compose(endpoint -> endpoint == null ? Future.succeededFuture(endpoint)
                : heldBy.apply(hostname).map(holder -> holder == null || holder.equals(tenantOf(endpoint)) ? endpoint : null))
                .onComplete(ar -> {
            lookupsAnswered.incrementAndGet();
            dev.burrow.edge.registry.Endpoint endpoint = ar.succeeded() ? ar.result() : null;
            boolean online = endpoint != null && endpoint.state() == dev.burrow.edge.registry.EndpointState.ONLINE;
            mux.sendControl(new ControlMessage.EndpointLookupResult(lookup.requestId(), lookup.hostname(),
                    online ? endpoint.id() : null, online ? tenantOf(endpoint) : null,
                    online ? endpoint.settings().trafficPolicy() : null));
        });
    }

    private static String tenantOf(dev.burrow.edge.registry.Endpoint endpoint) {
        return dev.burrow.edge.tenancy.Principal.tenantOfOwnerKey(endpoint.ownerKey());
    }

    /** A stream relayed from another region: to the endpoint's agent wherever it is linked in this region. */
    private void onRegionStream(MuxStream relayStream, Context relayContext) {
        relayStream.pause();
        String endpointId = relayStream.open().endpointId();
        registry.lookupId(endpointId).onComplete(ar -> {
            dev.burrow.edge.registry.Endpoint endpoint = ar.succeeded() ? ar.result() : null;
            AgentLink link = endpoint != null && endpoint.state() == dev.burrow.edge.registry.EndpointState.ONLINE
                    ? regionRouter.find(endpoint) : null;
            if (link == null) {
                relayStream.reset(ErrorCode.GOING_AWAY, "the endpoint " + endpointId
                        + " is not served in this region any more");
                return;
            }
            spliceToAgent(relayStream, relayContext, link);
        });
    }

    public Future<Void> close() {
        return deployment == null ? Future.succeededFuture() : deployment.close();
    }
}
