package dev.burrow.agent.internal;

import dev.burrow.agent.BurrowException;
import dev.burrow.agent.BurrowException.Reason;
import dev.burrow.agent.Endpoint;
import dev.burrow.agent.EndpointListener;
import dev.burrow.agent.Forwarder;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * The life of a session: dial, authenticate, keep the link, and when it drops reconnect with backoff, resume the
 * session and bind every endpoint again at its address. Owns the connector, the current link, the endpoints and
 * every timer. All state is confined to one event-loop context; public methods hop onto it.
 */
public final class SessionEngine {
    public static final String AGENT_VERSION = "burrow-agent/0.1.0";
    private static final Logger LOG = LoggerFactory.getLogger(SessionEngine.class);

    private final Vertx vertx;
    private final ContextInternal context;
    private final SessionOptions options;
    private final EdgeConnector connector;
    private final Backoff backoff;
    private final List<SessionListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<ListenerEndpoint, Endpoint> endpoints = new LinkedHashMap<>();
    private final List<Runnable> waitingForLink = new ArrayList<>();
    private final Promise<Void> started = Promise.promise();
    private final Promise<Void> closed = Promise.promise();
    private volatile List<Endpoint> endpointSnapshot = List.of();
    private volatile String sessionId;
    private volatile EdgeLink link;
    private Duration edgeHeartbeat;
    private boolean everConnected;
    private boolean closing;
    private long retryTimer = -1;
    private long stableTimer = -1;

    public SessionEngine(Vertx vertx, SessionOptions options, Collection<SessionListener> listeners) {
        this.vertx = vertx;
        this.context = ((VertxInternal) vertx).createEventLoopContext();
        this.options = options;
        this.connector = new EdgeConnector(vertx, options);
        this.backoff = new Backoff(options.initialBackoff(), options.maxBackoff(), ThreadLocalRandom.current()::nextDouble);
        this.listeners.addAll(listeners);
    }

    /** Starts dialing; completes on the first authenticated link, fails on a fatal refusal. */
    public Future<Void> start() {
        context.runOnContext(v -> attempt());
        return started.future();
    }

    public String sessionId() {
        return sessionId;
    }

    public boolean isConnected() {
        EdgeLink current = link;
        return current != null && !current.isClosed();
    }

    public List<Endpoint> endpoints() {
        return endpointSnapshot;
    }

    public void addListener(SessionListener listener) {
        listeners.add(listener);
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

    /** Closes endpoints, link, connector and timers. */
    public Future<Void> close() {
        return onContext(() -> {
            if (closing) {
                return closed.future();
            }
            shutdown();
            emit(new SessionEvent.Closed());
            return closed.future();
        });
    }

    private void attempt() {
        retryTimer = -1;
        if (closing) {
            return;
        }
        connector.connect()
                .compose(socket -> EdgeLink.open(vertx, socket, muxOptions(), auth(), this::onStream))
                .compose(newLink -> rebindAll(newLink).recover(failure -> {
                    newLink.close(ErrorCode.NO_ERROR, "re-binding endpoints failed");
                    return Future.failedFuture(failure);
                }).map(newLink))
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        onLinkUp(ar.result());
                    } else {
                        onAttemptFailed(ar.cause());
                    }
                });
    }

    private MuxOptions muxOptions() {
        Duration heartbeat = options.heartbeatInterval() != null ? options.heartbeatInterval()
                : edgeHeartbeat != null ? edgeHeartbeat : ProtocolLimits.DEFAULT_HEARTBEAT_INTERVAL;
        return MuxOptions.defaults("agent-link " + options.serverAddress()).withHeartbeatInterval(heartbeat);
    }

    private ControlMessage.Auth auth() {
        return new ControlMessage.Auth(options.authtoken(), AGENT_VERSION, sessionId);
    }

    private Future<Void> rebindAll(EdgeLink newLink) {
        List<Future<Void>> binds = new ArrayList<>();
        for (ListenerEndpoint endpoint : endpoints.keySet()) {
            binds.add(newLink.bind(requestId -> endpoint.spec().rebind(requestId, endpoint.publicUrl())).compose(result -> {
                if (!result.ok()) {
                    return Future.failedFuture(new BurrowException(Reason.BIND_FAILED, result.errorCode(),
                            "the edge refused to bind " + endpoint.publicUrl() + " again: " + result.message(), null));
                }
                if (!endpoint.publicUrl().equals(result.publicUrl())) {
                    LOG.warn("{} came back at {}", endpoint.publicUrl(), result.publicUrl());
                }
                endpoint.rebound(result.endpointId(), result.publicUrl());
                return Future.<Void>succeededFuture();
            }));
        }
        return Future.all(binds).mapEmpty();
    }

    private void onLinkUp(EdgeLink newLink) {
        if (closing) {
            newLink.close(ErrorCode.NO_ERROR, "agent is closing");
            return;
        }
        ControlMessage.AuthResult auth = newLink.auth();
        link = newLink;
        sessionId = auth.sessionId();
        if (auth.heartbeatIntervalMillis() > 0) {
            edgeHeartbeat = Duration.ofMillis(auth.heartbeatIntervalMillis());
        }
        newLink.closed().onComplete(ar -> onLinkLost(newLink, ar.result()));
        stableTimer = vertx.setTimer(Math.max(1, options.stablePeriod().toMillis()), id -> {
            stableTimer = -1;
            backoff.reset();
        });
        LOG.info("{}: link up", newLink.name());
        if (everConnected) {
            emit(new SessionEvent.Reconnected(sessionId));
        } else {
            everConnected = true;
            emit(new SessionEvent.Connected(sessionId, options.serverAddress()));
            started.tryComplete();
        }
        List<Runnable> waiting = new ArrayList<>(waitingForLink);
        waitingForLink.clear();
        waiting.forEach(Runnable::run);
    }

    private void onAttemptFailed(Throwable cause) {
        if (closing) {
            return;
        }
        BurrowException failure = ConnectFailures.classify(cause, options.serverAddress());
        boolean fatal = failure.reason() == Reason.AUTH_FAILED
                || (failure.reason() == Reason.EDGE_UNTRUSTED && !everConnected);
        if (fatal) {
            LOG.debug("giving up: {}", failure.getMessage());
            emit(new SessionEvent.Failed(failure));
            started.tryFail(failure);
            shutdown();
            return;
        }
        Duration delay = backoff.nextDelay();
        emit(new SessionEvent.ConnectFailed(options.serverAddress(), failure, delay));
        scheduleAttempt(delay);
    }

    private void onLinkLost(EdgeLink lost, LinkClosed reason) {
        if (link != lost) {
            return;
        }
        link = null;
        cancelStableTimer();
        if (closing) {
            return;
        }
        Duration delay = backoff.nextDelay();
        LOG.info("{}: link lost ({}), reconnecting in {} ms", lost.name(), reason, delay.toMillis());
        emit(new SessionEvent.Disconnected(EdgeLink.describe(reason), delay));
        scheduleAttempt(delay);
    }

    private void scheduleAttempt(Duration delay) {
        retryTimer = vertx.setTimer(Math.max(1, delay.toMillis()), id -> attempt());
    }

    private Future<ListenerEndpoint> bindNew(EndpointSpec spec) {
        if (closing) {
            return Future.failedFuture(new BurrowException(Reason.CLOSED, "the session is closed"));
        }
        EdgeLink current = link;
        if (current == null || current.isClosed()) {
            Promise<ListenerEndpoint> later = Promise.promise();
            waitingForLink.add(() -> bindNew(spec).onComplete(later));
            return later.future();
        }
        return current.bind(spec::firstBind).transform(ar -> {
            if (ar.failed()) {
                boolean linkLost = ar.cause() instanceof BurrowException e && e.reason() == Reason.LINK_LOST;
                return linkLost ? bindNew(spec) : Future.failedFuture(ar.cause());
            }
            ControlMessage.BindResult result = ar.result();
            if (!result.ok()) {
                String sentence = result.message() == null ? String.valueOf(result.errorCode()) : result.message();
                return Future.failedFuture(new BurrowException(Reason.BIND_FAILED, result.errorCode(), sentence, null));
            }
            ListenerEndpoint endpoint = new ListenerEndpoint(context, spec, result.endpointId(), result.publicUrl(), this::unbind);
            publish(endpoint, endpoint);
            return Future.succeededFuture(endpoint);
        });
    }

    private void publish(ListenerEndpoint endpoint, Endpoint facade) {
        endpoints.put(endpoint, facade);
        endpointSnapshot = List.copyOf(endpoints.values());
    }

    private Future<Void> unbind(ListenerEndpoint endpoint) {
        if (endpoints.remove(endpoint) != null) {
            endpointSnapshot = List.copyOf(endpoints.values());
            EdgeLink current = link;
            if (current != null) {
                current.unbind(endpoint.id());
            }
        }
        endpoint.markClosed();
        return Future.succeededFuture();
    }

    private void onStream(MuxStream stream) {
        String endpointId = stream.open().endpointId();
        for (ListenerEndpoint endpoint : endpoints.keySet()) {
            if (endpoint.id().equals(endpointId)) {
                endpoint.deliver(new StreamConnection(stream));
                return;
            }
        }
        stream.reset(ErrorCode.ENDPOINT_NOT_FOUND, "this agent does not serve endpoint " + endpointId);
    }

    private void shutdown() {
        closing = true;
        if (retryTimer >= 0) {
            vertx.cancelTimer(retryTimer);
            retryTimer = -1;
        }
        cancelStableTimer();
        List<ListenerEndpoint> open = new ArrayList<>(endpoints.keySet());
        endpoints.clear();
        endpointSnapshot = List.of();
        open.forEach(ListenerEndpoint::markClosed);
        BurrowException closedFailure = new BurrowException(Reason.CLOSED, "the session is closed");
        List<Runnable> waiting = new ArrayList<>(waitingForLink);
        waitingForLink.clear();
        waiting.forEach(Runnable::run);
        started.tryFail(closedFailure);
        EdgeLink current = link;
        Future<?> linkGone = Future.succeededFuture();
        if (current != null) {
            current.close(ErrorCode.NO_ERROR, "agent closing");
            linkGone = current.closed();
        }
        link = null;
        Future.join(linkGone, connector.close()).onComplete(ar -> closed.tryComplete());
    }

    private void cancelStableTimer() {
        if (stableTimer >= 0) {
            vertx.cancelTimer(stableTimer);
            stableTimer = -1;
        }
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
        return "server=" + options.serverAddress() + ", session=" + sessionId + ", connected=" + isConnected()
                + ", endpoints=" + endpointSnapshot.size();
    }
}
