package dev.burrow.agent.internal;

import dev.burrow.agent.BurrowException;
import dev.burrow.agent.BurrowException.Reason;
import dev.burrow.agent.Endpoint;
import dev.burrow.agent.EndpointListener;
import dev.burrow.agent.Forwarder;
import dev.burrow.agent.LinkInfo;
import dev.burrow.agent.SessionEvent;
import dev.burrow.agent.SessionListener;
import dev.burrow.agent.SessionOptions;
import dev.burrow.agent.forward.ConnectionForwarder;
import dev.burrow.mux.LinkClosed;
import dev.burrow.mux.MuxOptions;
import dev.burrow.mux.MuxStream;
import dev.burrow.protocol.ControlMessage;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.protocol.ProtocolLimits;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * The life of a session: its endpoints, and its links to edge nodes ({@link LinkPool} keeps them: dial,
 * authenticate, redial with backoff, replace on GO_AWAY). Every endpoint is bound on every link at the same address:
 * the first bind picks the address, every later link asks for it. Owns the connectors (one per edge address) and
 * the pool. All state is confined to one event-loop context; public methods hop onto it.
 */
public final class SessionEngine implements LinkPool.Session {
    public static final String AGENT_VERSION = "burrow-agent/0.1.0";
    private static final Logger LOG = LoggerFactory.getLogger(SessionEngine.class);

    private final Vertx vertx;
    private final ContextInternal context;
    private final SessionOptions options;
    private final LinkPool links;
    private final Map<String, EdgeConnector> connectors = new HashMap<>();
    private final List<SessionListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<ListenerEndpoint, Endpoint> endpoints = new LinkedHashMap<>();
    /** Endpoints asked for and bound on no link yet: the next link that can bind takes them. */
    private final PendingBinds unbound = new PendingBinds(this::adoptFirstBind);
    private final Promise<Void> started = Promise.promise();
    private final Promise<Void> closed = Promise.promise();
    private volatile List<Endpoint> endpointSnapshot = List.of();
    private volatile List<LinkInfo> linkSnapshot = List.of();
    private volatile List<EdgeLink> upLinkSnapshot = List.of();
    private volatile String sessionId;
    private Duration edgeHeartbeat;
    private boolean everConnected;
    private boolean closing;

    public SessionEngine(Vertx vertx, SessionOptions options, Collection<SessionListener> listeners) {
        this.vertx = vertx;
        this.context = ((VertxInternal) vertx).createEventLoopContext();
        this.options = options;
        this.links = new LinkPool(vertx, options, this);
        this.listeners.addAll(listeners);
    }

    /** Starts dialing; completes on the first authenticated link, fails on a fatal refusal. */
    public Future<Void> start() {
        context.runOnContext(v -> links.start());
        return started.future();
    }

    public String sessionId() {
        return sessionId;
    }

    public boolean isConnected() {
        return !linkSnapshot.isEmpty();
    }

    /** The live links, as of the last change. */
    public List<LinkInfo> links() {
        return linkSnapshot;
    }

    /** The shortest last heartbeat round trip among the up links, or null before the first; any thread. */
    public java.time.Duration latency() {
        java.time.Duration best = null;
        for (EdgeLink link : upLinkSnapshot) {
            java.time.Duration rtt = link.roundTrip();
            if (!rtt.isZero() && (best == null || rtt.compareTo(best) < 0)) {
                best = rtt;
            }
        }
        return best;
    }

    public List<Endpoint> endpoints() {
        return endpointSnapshot;
    }

    public void addListener(SessionListener listener) {
        listeners.add(listener);
    }

    /** The Vert.x instance the session runs on. */
    public Vertx vertx() {
        return vertx;
    }

    public Future<Void> closed() {
        return closed.future();
    }

    /** Binds an endpoint whose connections the application accepts. */
    public Future<EndpointListener> listen(EndpointSpec spec) {
        return onContext(() -> bindNew(spec).map(endpoint -> {
            publish(endpoint, endpoint);
            return endpoint;
        }));
    }

    /** Binds an endpoint whose connections are forwarded by the forwarder {@code factory} builds. */
    public Future<Forwarder> forward(EndpointSpec spec, URI upstream,
                                     BiFunction<Vertx, SessionOptions, ConnectionForwarder> factory) {
        return onContext(() -> bindNew(spec).map(endpoint -> {
            ForwardingEndpoint forwarder = new ForwardingEndpoint(endpoint, upstream, factory.apply(vertx, options));
            publish(endpoint, forwarder);
            return forwarder;
        }));
    }

    /** How long a stop waits for each node to answer its goodbye. */
    static final Duration GOODBYE_TIMEOUT = Duration.ofSeconds(2);
    /** How long a stop lets the exchanges in flight finish (after the goodbyes) before it closes the links anyway. */
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    /**
     * Stops on purpose: no more dialing; a goodbye on every live link, so the edge frees the endpoints' names at once
     * (a new agent may bind them while this one finishes); the streams already open finish within
     * {@link #STOP_TIMEOUT}; then endpoints, links, connectors and timers are closed. A link that dies without this
     * leaves its endpoints to the edge's offline grace instead.
     */
    public Future<Void> close() {
        return onContext(() -> {
            if (closing) {
                return closed.future();
            }
            closing = true;
            links.stopDialing();
            List<Future<Void>> farewells = new ArrayList<>();
            for (EdgeLink link : links.liveLinks()) {
                farewells.add(farewell(link));
            }
            Future.join(farewells).onComplete(ar -> {
                shutdown();
                emit(new SessionEvent.Closed());
            });
            return closed.future();
        });
    }

    /** Goodbye on {@code link}, then its open streams finish (bounded); completes when the link is closed. */
    private Future<Void> farewell(EdgeLink link) {
        long deadline = System.nanoTime() + GOODBYE_TIMEOUT.plus(STOP_TIMEOUT).toNanos();
        return link.goodbye(GOODBYE_TIMEOUT).transform(ar -> {
            if (ar.succeeded()) {
                LOG.info("{}: said goodbye; the edge freed {} endpoint(s); {} stream(s) still finishing", link.name(),
                        ar.result(), link.openStreams());
            } else {
                LOG.debug("{}: goodbye not answered: {}", link.name(), ar.cause().getMessage());
            }
            link.closeWhenIdle("the agent stopped", Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            return link.closed().<Void>mapEmpty();
        });
    }

    // ---- links (called by the pool, on the context) -------------------------------------------------------

    @Override
    public Future<EdgeLink> establish(String address, boolean additional) {
        EdgeConnector connector = connectors.computeIfAbsent(address,
                a -> new EdgeConnector(vertx, options.forServer(a)));
        ControlMessage.Auth auth = new ControlMessage.Auth(options.authtoken(), AGENT_VERSION, sessionId,
                additional && sessionId != null, List.of(ControlMessage.Auth.FEATURE_EDGE_NODES,
                ControlMessage.FEATURE_POLICY_TRAIL, ControlMessage.FEATURE_TRAILERS));
        return connector.connect()
                .compose(socket -> EdgeLink.open(vertx, socket, address, muxOptions(address), auth, this::onStream))
                .map(link -> link.policyRefusalHandler(this::onPolicyRefusal).policyNoticeHandler(this::onPolicyNotice))
                .compose(link -> adopt(link, auth.additionalLink())
                        .compose(v -> bindMissing(link, auth.additionalLink()))
                        .compose(v -> unbound.bindOn(link))
                        .recover(failure -> {
                            link.close(ErrorCode.NO_ERROR, "re-binding endpoints failed");
                            return Future.failedFuture(failure);
                        })
                        .map(link));
    }

    private Future<Void> adopt(EdgeLink link, boolean additional) {
        ControlMessage.AuthResult auth = link.auth();
        if (closing) {
            return Future.failedFuture(new BurrowException(Reason.CLOSED, "the session is closed"));
        }
        if (auth.heartbeatIntervalMillis() > 0) {
            edgeHeartbeat = Duration.ofMillis(auth.heartbeatIntervalMillis());
        }
        if (!additional) {
            sessionId = auth.sessionId();
        } else if (!auth.sessionId().equals(sessionId)) {
            LOG.warn("{}: the edge node put this link in session {}, not {}", link.name(), auth.sessionId(), sessionId);
        }
        return Future.succeededFuture();
    }

    private MuxOptions muxOptions(String address) {
        Duration heartbeat = options.heartbeatInterval() != null ? options.heartbeatInterval()
                : edgeHeartbeat != null ? edgeHeartbeat : ProtocolLimits.DEFAULT_HEARTBEAT_INTERVAL;
        MuxOptions mux = MuxOptions.defaults("agent-link " + address).withHeartbeatInterval(heartbeat);
        return options.heartbeatTolerance() == null ? mux : mux.withHeartbeatSilenceAllowed(options.heartbeatTolerance());
    }

    /** Binds every endpoint that {@code link} does not serve yet, again until none is missing. */
    private Future<Void> bindMissing(EdgeLink link, boolean additional) {
        List<Future<Void>> binds = new ArrayList<>();
        for (ListenerEndpoint endpoint : endpoints.keySet()) {
            if (!link.isBound(endpoint)) {
                binds.add(bindAgain(link, endpoint, !additional));
            }
        }
        return binds.isEmpty() ? Future.succeededFuture() : Future.all(binds).compose(v -> bindMissing(link, additional));
    }

    /** Binds {@code endpoint} on {@code link} at its address; {@code adopt}: take the edge's id and URL as its own. */
    private Future<Void> bindAgain(EdgeLink link, ListenerEndpoint endpoint, boolean adopt) {
        return link.bind(requestId -> endpoint.spec().rebind(requestId, endpoint.publicUrl())).compose(result -> {
            if (!result.ok()) {
                return Future.failedFuture(new BurrowException(Reason.BIND_FAILED, result.errorCode(),
                        "the edge at " + link.address() + " refused to bind " + endpoint.publicUrl() + ": "
                                + result.message(), null));
            }
            if (!endpoint.publicUrl().equals(result.publicUrl())) {
                LOG.warn("{}: {} came back at {}", link.name(), endpoint.publicUrl(), result.publicUrl());
            }
            link.recordBinding(endpoint, result.endpointId());
            if (!endpoints.containsKey(endpoint)) {
                link.unbind(endpoint);
            } else if (adopt) {
                endpoint.rebound(result.endpointId(), result.publicUrl());
            }
            return Future.<Void>succeededFuture();
        });
    }

    @Override
    public void linkUp(EdgeLink link, int alive) {
        refreshLinks();
        LOG.info("{}: link up ({} live)", link.name(), alive);
        if (!everConnected) {
            everConnected = true;
            emit(new SessionEvent.Connected(sessionId, link.address()));
            started.tryComplete();
        } else if (alive == 1) {
            emit(new SessionEvent.Reconnected(sessionId));
        } else {
            emit(new SessionEvent.LinkAdded(link.address(), alive));
        }
    }

    @Override
    public void linkDraining(EdgeLink link) {
        refreshLinks();
        LOG.info("{}: the edge node is going away; moving this link to another node, then closing it once its {} "
                + "stream(s) are done", link.name(), link.openStreams());
    }

    @Override
    public void linkGone(EdgeLink link, LinkClosed reason, int alive, Duration retryIn) {
        refreshLinks();
        String retry = retryIn == null ? "" : ", redialing in " + retryIn.toMillis() + " ms";
        LOG.info("{}: link gone ({}), {} live{}", link.name(), reason, alive, retry);
        if (alive == 0) {
            emit(new SessionEvent.Disconnected(EdgeLink.describe(reason), retryIn == null ? Duration.ZERO : retryIn));
        } else {
            emit(new SessionEvent.LinkLost(link.address(), EdgeLink.describe(reason), alive, retryIn));
        }
    }

    @Override
    public boolean attemptFailed(String address, Throwable cause, int alive, Duration retryIn) {
        BurrowException failure = ConnectFailures.classify(cause, address);
        boolean fatal = failure.reason() == Reason.AUTH_FAILED
                || (failure.reason() == Reason.EDGE_UNTRUSTED && !everConnected);
        if (fatal) {
            LOG.debug("giving up: {}", failure.getMessage());
            emit(new SessionEvent.Failed(failure));
            started.tryFail(failure);
            shutdown();
            return false;
        }
        if (alive == 0) {
            emit(new SessionEvent.ConnectFailed(address, failure, retryIn));
        } else if (failure.reason() == Reason.EDGE_UNTRUSTED) {
            LOG.warn("cannot add a link to the edge node at {}: {} (every node's certificate must name the address the "
                    + "edge lists for it); retrying in {} ms", address, failure.getMessage(), retryIn.toMillis());
        } else {
            LOG.info("cannot add a link to the edge node at {} ({}); retrying in {} ms", address, failure.getMessage(),
                    retryIn.toMillis());
        }
        return true;
    }

    private void refreshLinks() {
        List<LinkInfo> info = new ArrayList<>();
        List<EdgeLink> up = links.upLinks();
        for (EdgeLink link : links.liveLinks()) {
            info.add(new LinkInfo(link.address(), !up.contains(link)));
        }
        linkSnapshot = List.copyOf(info);
        upLinkSnapshot = List.copyOf(up);
    }

    // ---- endpoints ----------------------------------------------------------------------------------------

    /**
     * Binds a new endpoint: on the first up link now, or on the next link that comes up. A node that refuses it for now
     * (a temporary code: its cluster's minority, ...) loses the link, which the pool redials with backoff, other nodes
     * first; the endpoint stays pending meanwhile. A permanent refusal fails the returned future.
     */
    private Future<ListenerEndpoint> bindNew(EndpointSpec spec) {
        if (closing) {
            return Future.failedFuture(new BurrowException(Reason.CLOSED, "the session is closed"));
        }
        String served = addressServedAlready(spec);
        if (served != null) {
            // The edge would let this session's second BIND of an address join its first (and take its settings),
            // leaving two listeners on one endpoint id: streams would reach whichever was recorded last.
            return Future.failedFuture(new BurrowException(Reason.BIND_FAILED,
                    spec.port() != 0 ? ErrorCode.PORT_UNAVAILABLE : ErrorCode.HOSTNAME_IN_USE,
                    "this session already serves " + served + ": one listener per address (close that one first)", null));
        }
        Future<ListenerEndpoint> bound = unbound.add(spec);
        List<EdgeLink> up = links.upLinks();
        if (!up.isEmpty()) {
            bindOnUpLink(up.get(0));
        }
        return bound;
    }

    /** The address of an endpoint of this session (bound or pending) that {@code spec} names too, or null. */
    private String addressServedAlready(EndpointSpec spec) {
        if (spec.port() == 0 && spec.hostname() == null) {
            return null;
        }
        for (ListenerEndpoint endpoint : endpoints.keySet()) {
            URI url = URI.create(endpoint.publicUrl());
            boolean samePort = spec.port() != 0 && spec.proto().equals(url.getScheme()) && spec.port() == url.getPort();
            boolean sameHost = spec.hostname() != null && spec.port() == 0 && spec.hostname().equalsIgnoreCase(url.getHost());
            if (samePort || sameHost) {
                return endpoint.publicUrl();
            }
        }
        for (EndpointSpec pending : unbound.specs()) {
            boolean samePort = spec.port() != 0 && spec.proto().equals(pending.proto()) && spec.port() == pending.port();
            boolean sameHost = spec.hostname() != null && spec.hostname().equalsIgnoreCase(pending.hostname());
            if (samePort || sameHost) {
                return spec.proto() + "://" + (sameHost ? spec.hostname() : ":" + spec.port()) + " (being bound)";
            }
        }
        return null;
    }

    private void bindOnUpLink(EdgeLink link) {
        unbound.bindOn(link).onFailure(failure -> {
            if (failure instanceof BurrowException refusal && refusal.isTemporaryRefusal() && !link.isClosed()) {
                LOG.info("{}: {}; linking again, other nodes first", link.name(), refusal.getMessage());
                link.close(refusal.edgeCode(), refusal.getMessage());
            }
            for (EdgeLink other : links.upLinks()) {
                if (other != link && !other.isClosed()) {
                    bindOnUpLink(other);
                    return;
                }
            }
        });
    }

    /** The edge bound a new endpoint on {@code link}: it serves there at once, and is bound on the other up links. */
    private Future<ListenerEndpoint> adoptFirstBind(EdgeLink link, EndpointSpec spec, ControlMessage.BindResult result) {
        ListenerEndpoint endpoint = new ListenerEndpoint(context, spec, result.endpointId(), result.publicUrl(), this::unbind,
                this::changePolicy);
        link.recordBinding(endpoint, result.endpointId());
        publish(endpoint, endpoint);
        return bindOnOtherLinks(endpoint, link).map(endpoint);
    }

    /**
     * Binds a new endpoint on every up link but {@code first}. A link that refuses is closed: it is redialed and
     * binds everything again, or else the endpoint is served by the others meanwhile.
     */
    private Future<Void> bindOnOtherLinks(ListenerEndpoint endpoint, EdgeLink first) {
        List<Future<Void>> binds = new ArrayList<>();
        for (EdgeLink link : links.upLinks()) {
            if (link != first && !link.isBound(endpoint)) {
                binds.add(bindAgain(link, endpoint, false).onFailure(failure -> {
                    LOG.warn("{}: {}; closing this link, it binds everything again when redialed", link.name(), failure.getMessage());
                    link.close(ErrorCode.NO_ERROR, "binding " + endpoint.publicUrl() + " failed");
                }));
            }
        }
        return Future.join(binds).otherwiseEmpty().mapEmpty();
    }

    /**
     * A live policy change (on the session's context): sent on one link that serves the endpoint, since the registry
     * record it changes is the cluster's; once accepted, every later bind of the endpoint carries the new document.
     */
    private Future<Void> changePolicy(ListenerEndpoint endpoint, String document) {
        EdgeLink link = links.upLinks().stream().filter(l -> l.isBound(endpoint)).findFirst().orElse(null);
        if (link == null) {
            return Future.failedFuture(new BurrowException(Reason.UNAVAILABLE, null, "no edge link serves "
                    + endpoint.publicUrl() + " right now; try again once the agent is connected", null));
        }
        return link.updatePolicy(link.boundId(endpoint), document).compose(result -> {
            if (!result.ok()) {
                return Future.failedFuture(new BurrowException(Reason.POLICY_REFUSED, result.errorCode(), result.message(), null));
            }
            endpoint.respecified(endpoint.spec().withTrafficPolicy(document));
            return Future.<Void>succeededFuture();
        });
    }

    private void publish(ListenerEndpoint endpoint, Endpoint facade) {
        endpoints.put(endpoint, facade);
        endpointSnapshot = List.copyOf(endpoints.values());
    }

    private Future<Void> unbind(ListenerEndpoint endpoint) {
        if (endpoints.remove(endpoint) != null) {
            endpointSnapshot = List.copyOf(endpoints.values());
            for (EdgeLink link : links.liveLinks()) {
                link.unbind(endpoint);
            }
        }
        endpoint.markClosed();
        return Future.succeededFuture();
    }

    private void onStream(EdgeLink link, MuxStream stream) {
        String endpointId = stream.open().endpointId();
        if (servedEndpoint(link, endpointId) == null && link.hasPendingBinds()) {
            // In a cluster the edge may route a stream over this link as soon as its registry lists the bind, a
            // moment before the BIND_RESULT reaches us: hold the stream until the answers are in.
            link.afterPendingBinds(() -> deliver(link, stream, endpointId));
            return;
        }
        deliver(link, stream, endpointId);
    }

    /** The edge refused a request to one of our endpoints; its forwarder shows it to the endpoint's observer. */
    private void onPolicyRefusal(EdgeLink link, ControlMessage.PolicyRefusal refusal) {
        ListenerEndpoint endpoint = servedEndpoint(link, refusal.endpointId());
        if (endpoint != null) {
            endpoint.policyRefused(refusal);
        }
    }

    /** The edge stopped honouring part of an endpoint's policy: the session's listeners hear it. */
    private void onPolicyNotice(EdgeLink link, String message) {
        context.runOnContext(v -> emit(new SessionEvent.PolicyNotice(link.address(), message)));
    }

    private void deliver(EdgeLink link, MuxStream stream, String endpointId) {
        ListenerEndpoint endpoint = servedEndpoint(link, endpointId);
        if (endpoint != null) {
            endpoint.deliver(new StreamConnection(stream));
        } else {
            stream.reset(ErrorCode.ENDPOINT_NOT_FOUND, "this agent does not serve endpoint " + endpointId);
        }
    }

    /**
     * The open endpoint the edge knows as {@code endpointId}: as bound on {@code link}, else as bound on another of
     * the session's links (a cluster gives an endpoint one id on every node).
     */
    private ListenerEndpoint servedEndpoint(EdgeLink link, String endpointId) {
        ListenerEndpoint endpoint = link.endpointFor(endpointId);
        if (endpoint == null) {
            for (EdgeLink other : links.liveLinks()) {
                endpoint = other.endpointFor(endpointId);
                if (endpoint != null) {
                    break;
                }
            }
        }
        return endpoint != null && endpoints.containsKey(endpoint) ? endpoint : null;
    }

    private void shutdown() {
        closing = true;
        List<ListenerEndpoint> open = new ArrayList<>(endpoints.keySet());
        endpoints.clear();
        endpointSnapshot = List.of();
        open.forEach(ListenerEndpoint::markClosed);
        BurrowException closedFailure = new BurrowException(Reason.CLOSED, "the session is closed");
        unbound.failAll(closedFailure);
        started.tryFail(closedFailure);
        Future<Void> linksGone = links.close();
        linkSnapshot = List.of();
        upLinkSnapshot = List.of();
        linksGone.transform(ar -> {
            List<Future<Void>> closing = new ArrayList<>();
            connectors.values().forEach(connector -> closing.add(connector.close()));
            return Future.join(closing);
        }).onComplete(ar -> closed.tryComplete());
    }

    private void emit(SessionEvent event) {
        for (SessionListener listener : listeners) {
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                LOG.warn("session listener failed on {}", event, e);
            }
        }
    }

    private <T> Future<T> onContext(Supplier<Future<T>> task) {
        if (context.nettyEventLoop().inEventLoop()) {
            return task.get();
        }
        Promise<T> promise = Promise.promise();
        context.runOnContext(v -> task.get().onComplete(promise));
        return promise.future();
    }

    Context context() {
        return context;
    }

    @Override
    public String toString() {
        return "servers=" + String.join(",", options.serverAddresses()) + ", session=" + sessionId
                + ", links=" + linkSnapshot.size() + ", endpoints=" + endpointSnapshot.size();
    }
}
