package dev.burrow.edge.cluster;

import dev.burrow.mux.LinkRole;
import dev.burrow.mux.MuxOptions;
import dev.burrow.mux.StreamMultiplexer;
import dev.burrow.protocol.ControlMessage;
import dev.burrow.protocol.ErrorCode;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One relay link per peer node, dialed by this node (the node that relays dials): TLS 1.3 trusting the cluster CA,
 * then the {@link RelaySecret} in an {@code auth} message. A link is only handed out once the peer accepted the
 * secret; a link that drops is dialed again while the peer is a cluster member, after a short, growing pause.
 */
public final class RelayPool {
    private static final Logger LOG = LoggerFactory.getLogger(RelayPool.class);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final long MAX_RETRY_MILLIS = 5_000;

    private final Vertx vertx;
    private final NetClient client;
    private final RelaySecret secret;
    private final String localNodeId;
    private final Duration heartbeatInterval;
    private final Map<String, Peer> peers = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private volatile String helloSuffix = "";
    private volatile List<String> helloFeatures = List.of(ControlMessage.FEATURE_TRAILERS);
    private volatile java.util.function.BiConsumer<Peer, ControlMessage> controlListener = (peer, message) -> { };

    /** One peer node (or peer region) and its relay link. */
    public static final class Peer {
        private final NodeInfo info;
        private final Context context;
        private volatile StreamMultiplexer mux;
        private volatile boolean ready;
        private volatile boolean removed;
        /** The peer closed its link saying it is going away (a drain, a stop): it is leaving, not broken. */
        private volatile boolean leaving;
        /** The peer named {@link ControlMessage#FEATURE_POLICY_TRAIL} when it accepted the link: it reads a trail in an OPEN. */
        private volatile boolean readsPolicyTrail;
        private long retryMillis = 100;

        Peer(NodeInfo info, Context context) {
            this.info = info;
            this.context = context;
        }

        NodeInfo info() {
            return info;
        }

        Context context() {
            return context;
        }

        StreamMultiplexer mux() {
            return mux;
        }

        boolean readsPolicyTrail() {
            return readsPolicyTrail;
        }

        boolean isReady() {
            StreamMultiplexer current = mux;
            return ready && current != null && !current.isClosed();
        }

        /** Sends a control message on the link if it is ready; false when it is not. Thread-safe. */
        public boolean sendControl(ControlMessage message) {
            StreamMultiplexer current = mux;
            if (!isReady()) {
                return false;
            }
            current.sendControl(message);
            return true;
        }

        /** The peer's key ({@link NodeInfo#member()}). */
        public String key() {
            return info.member();
        }
    }

    /**
     * For links to other regions: the hello names {@link ControlMessage.Auth#FEATURE_REGION_LINK}, so that the accepting
     * node knows the link comes from another region ({@code suffix}, appended to {@code auth.agentVersion}, is for its
     * logs only), and {@code listener} gets every control message other than the auth result (lookup answers), on the
     * link's event loop.
     */
    public RelayPool forRegions(String suffix, java.util.function.BiConsumer<Peer, ControlMessage> listener) {
        this.helloSuffix = " " + suffix;
        this.helloFeatures = List.of(ControlMessage.Auth.FEATURE_REGION_LINK, ControlMessage.FEATURE_TRAILERS);
        this.controlListener = listener;
        return this;
    }

    /** Every peer with a ready link. */
    public List<Peer> readyPeers() {
        return peers.values().stream().filter(Peer::isReady).toList();
    }

    public RelayPool(Vertx vertx, Path caCert, RelaySecret secret, String localNodeId, Duration heartbeatInterval) {
        this.vertx = vertx;
        this.secret = secret;
        this.localNodeId = localNodeId;
        this.heartbeatInterval = heartbeatInterval;
        this.client = vertx.createNetClient(new NetClientOptions()
                .setSsl(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(caCert.toString()))
                // The cluster CA is the authority and the secret proves membership; node addresses need not be in SANs.
                .setHostnameVerificationAlgorithm("")
                .setEnabledSecureTransportProtocols(Set.of("TLSv1.3"))
                .setConnectTimeout((int) CONNECT_TIMEOUT.toMillis())
                .setTcpNoDelay(true));
    }

    /** Keeps a relay link to this peer (called when its node info appears). */
    public void add(NodeInfo info) {
        if (closed) {
            return;
        }
        Peer fresh = new Peer(info, ((VertxInternal) vertx).createEventLoopContext());
        Peer previous = peers.put(info.member(), fresh);
        if (previous != null) {
            drop(previous, "the peer restarted");
        }
        fresh.context.runOnContext(v -> dial(fresh));
    }

    /** Drops the link to a peer that left the cluster. */
    public void remove(String member) {
        Peer peer = peers.remove(member);
        if (peer != null) {
            drop(peer, "the peer left the cluster");
        }
    }

    private void drop(Peer peer, String why) {
        peer.removed = true;
        peer.ready = false;
        StreamMultiplexer mux = peer.mux;
        if (mux != null) {
            mux.close(ErrorCode.GOING_AWAY, why);
        }
    }

    /** A ready relay link to one of {@code members}, or null. */
    public Peer ready(String member) {
        Peer peer = peers.get(member);
        return peer != null && peer.isReady() ? peer : null;
    }

    /** Peers with a ready link, for metrics. */
    public int readyCount() {
        return (int) peers.values().stream().filter(Peer::isReady).count();
    }

    /**
     * Peers whose link is not ready though it should be: not those that closed it saying they go away (a drain or a
     * stop announces itself that way, before the peer leaves the cluster's membership).
     */
    public int missingCount() {
        return (int) peers.values().stream().filter(peer -> !peer.isReady() && !peer.leaving).count();
    }

    public List<NodeInfo> peers() {
        return peers.values().stream().map(Peer::info).toList();
    }

    private void dial(Peer peer) {
        if (closed || peer.removed) {
            return;
        }
        NodeInfo info = peer.info;
        client.connect(info.relayPort(), info.advertiseAddress()).onComplete(ar -> {
            if (ar.failed()) {
                // Once per outage at WARN: a peer region that is down is redialed every few seconds for as long as it is.
                if (peer.retryMillis <= 200) {
                    LOG.warn("relay to {} ({}:{}): cannot connect: {}; retrying every few seconds", info.nodeId(),
                            info.advertiseAddress(), info.relayPort(), ar.cause().getMessage());
                } else {
                    LOG.debug("relay to {} ({}:{}): cannot connect: {}", info.nodeId(), info.advertiseAddress(), info.relayPort(),
                            ar.cause().getMessage());
                }
                retry(peer);
                return;
            }
            if (closed || peer.removed) {
                ar.result().close();
                return;
            }
            MuxOptions options = MuxOptions.defaults("relay-link to " + info.nodeId() + " " + info.advertiseAddress() + ":"
                    + info.relayPort()).withHeartbeatInterval(heartbeatInterval);
            StreamMultiplexer mux = new StreamMultiplexer(vertx, ar.result(), LinkRole.DIALER, options);
            peer.mux = mux;
            mux.incomingStreamHandler(stream -> stream.reset(ErrorCode.PROTOCOL_ERROR, "the accepting node opens no relay streams"));
            mux.controlHandler(message -> {
                if (message instanceof ControlMessage.AuthResult result && result.ok()) {
                    mux.peerReadsTrailers(result.supports(ControlMessage.FEATURE_TRAILERS));
                    peer.readsPolicyTrail = result.supports(ControlMessage.FEATURE_POLICY_TRAIL);
                    peer.ready = true;
                    peer.leaving = false;
                    peer.retryMillis = 100;
                    LOG.info("{}: ready", mux.name());
                } else if (message instanceof ControlMessage.AuthResult result) {
                    LOG.error("{}: the peer refused this node ({}: {}); do both nodes share one cluster CA?", mux.name(),
                            result.errorCode(), result.message());
                } else if (peer.ready) {
                    controlListener.accept(peer, message);
                }
            });
            mux.closeHandler(reason -> {
                peer.ready = false;
                peer.leaving = reason.byPeer() && reason.code() == ErrorCode.GOING_AWAY;
                LOG.info("{}: closed: {}", mux.name(), reason);
                retry(peer);
            });
            mux.start();
            mux.sendControl(new ControlMessage.Auth(secret.token(), "burrow-relay/1 node=" + localNodeId + helloSuffix, null, false,
                    helloFeatures));
        });
    }

    private void retry(Peer peer) {
        if (closed || peer.removed) {
            return;
        }
        long delay = peer.retryMillis;
        peer.retryMillis = Math.min(MAX_RETRY_MILLIS, delay * 2);
        vertx.setTimer(delay, id -> peer.context.runOnContext(v -> dial(peer)));
    }

    public void close() {
        closed = true;
        peers.values().forEach(peer -> drop(peer, "this node is shutting down"));
        peers.clear();
        client.close();
    }
}
