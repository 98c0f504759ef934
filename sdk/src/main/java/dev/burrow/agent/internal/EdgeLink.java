package dev.burrow.agent.internal;

import dev.burrow.agent.BurrowException;
import dev.burrow.agent.BurrowException.Reason;
import dev.burrow.mux.LinkClosed;
import dev.burrow.mux.LinkRole;
import dev.burrow.mux.MuxOptions;
import dev.burrow.mux.MuxStream;
import dev.burrow.mux.StreamMultiplexer;
import dev.burrow.protocol.ControlMessage;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.protocol.FramePayloads;
import dev.burrow.protocol.ProtocolLimits;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * One authenticated link to one edge node: the multiplexer plus the control conversation on stream 0 (auth, bind
 * requests matched to their results by request id), the endpoint ids this node gave the session's endpoints, and
 * the streams the node has open on it (so that a link told to go away can close once they are done). Confined to
 * the link's event loop, which is the session's.
 */
final class EdgeLink {
    /** How long a link that was replaced (after GO_AWAY) may take to finish its streams before it is closed. */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(EdgeLink.class);

    private final Vertx vertx;
    private final String address;
    private final StreamMultiplexer mux;
    private final Map<Long, Promise<ControlMessage.BindResult>> pendingBinds = new HashMap<>();
    private final Map<Long, Promise<ControlMessage.UpdatePolicyResult>> pendingPolicyUpdates = new HashMap<>();
    private final Promise<ControlMessage.AuthResult> authResult = Promise.promise();
    private final Promise<LinkClosed> closed = Promise.promise();
    private final Promise<FramePayloads.GoAway> goingAway = Promise.promise();
    private final Map<ListenerEndpoint, String> boundIds = new HashMap<>();
    private final Map<String, ListenerEndpoint> endpointsById = new HashMap<>();
    private long nextRequestId = 1;
    private int openStreams;
    private String drainReason;
    private long drainTimer = -1;
    private List<String> edgeNodes;
    private java.util.function.Consumer<EdgeLink> edgeNodesHandler = link -> { };
    private BiConsumer<EdgeLink, ControlMessage.PolicyRefusal> policyRefusalHandler = (link, refusal) -> { };
    private BiConsumer<EdgeLink, String> policyNoticeHandler = (link, message) -> { };
    private Promise<Integer> goodbyeAnswer;

    private EdgeLink(Vertx vertx, NetSocket socket, String address, MuxOptions options,
                     BiConsumer<EdgeLink, MuxStream> streamHandler) {
        this.vertx = vertx;
        this.address = address;
        this.mux = new StreamMultiplexer(vertx, socket, LinkRole.DIALER, options);
        mux.incomingStreamHandler(stream -> onStream(stream, streamHandler))
                .controlHandler(this::onControl)
                .goAwayHandler(goingAway::tryComplete)
                .closeHandler(this::onClosed);
    }

    /**
     * Starts the multiplexer on {@code socket} (call on the socket's context), sends {@code auth} and completes
     * once the edge accepted it. Fails with {@link BurrowException} ({@code AUTH_FAILED} when refused) and
     * closes the link when the edge refuses, does not answer in time, or the link dies first.
     *
     * @param address the edge address dialed, "host:port"
     */
    static Future<EdgeLink> open(Vertx vertx, NetSocket socket, String address, MuxOptions options,
                                 ControlMessage.Auth auth, BiConsumer<EdgeLink, MuxStream> streamHandler) {
        EdgeLink link = new EdgeLink(vertx, socket, address, options, streamHandler);
        return link.authenticate(auth).map(result -> link);
    }

    private void onStream(MuxStream stream, BiConsumer<EdgeLink, MuxStream> streamHandler) {
        openStreams++;
        stream.closed().onComplete(ar -> {
            openStreams--;
            closeIfIdle();
        });
        streamHandler.accept(this, stream);
    }

    private Future<ControlMessage.AuthResult> authenticate(ControlMessage.Auth auth) {
        mux.start();
        mux.sendControl(auth);
        long timer = vertx.setTimer(ProtocolLimits.HANDSHAKE_TIMEOUT.toMillis(), id -> authResult.tryFail(
                new BurrowException(Reason.EDGE_UNREACHABLE, null, "the edge did not answer the authentication within "
                        + ProtocolLimits.HANDSHAKE_TIMEOUT.toSeconds() + "s", null)));
        return authResult.future()
                .andThen(ar -> vertx.cancelTimer(timer))
                .compose(result -> {
                    if (result.ok()) {
                        mux.name(mux.name() + " session=" + result.sessionId());
                        mux.peerReadsTrailers(result.supports(ControlMessage.FEATURE_TRAILERS));
                        return Future.succeededFuture(result);
                    }
                    return Future.failedFuture(refusal(result));
                })
                .onFailure(failure -> mux.close(ErrorCode.NO_ERROR, "authentication did not succeed"));
    }

    /**
     * Why the edge refused the auth: AUTH_FAILED (fatal) for a permanent code; RATE_LIMITED or UNAVAILABLE (the session
     * tries again later, other nodes first) for a temporary one.
     */
    private static BurrowException refusal(ControlMessage.AuthResult result) {
        String sentence = result.message() == null ? "no reason given" : result.message();
        ErrorCode code = result.errorCode() == null ? ErrorCode.AUTH_FAILED : result.errorCode();
        Duration wait = result.retryAfterMillis() > 0 ? Duration.ofMillis(result.retryAfterMillis()) : null;
        if (code == ErrorCode.AUTH_RATE_LIMITED) {
            return new BurrowException(Reason.RATE_LIMITED, code, sentence, null, wait);
        }
        Reason reason = code.isTemporary() ? Reason.UNAVAILABLE : Reason.AUTH_FAILED;
        return new BurrowException(reason, code, sentence, null, wait);
    }

    /**
     * Sends GOODBYE (the session stops on purpose: the edge removes the endpoints this link serves now) and completes
     * with how many the edge freed; fails when the edge does not answer within {@code timeout} or the link ends first.
     */
    Future<Integer> goodbye(Duration timeout) {
        if (isClosed()) {
            return Future.failedFuture(linkLost(closed.future().result()));
        }
        Promise<Integer> answer = Promise.promise();
        goodbyeAnswer = answer;
        mux.sendControl(new ControlMessage.Goodbye());
        long timer = vertx.setTimer(Math.max(1, timeout.toMillis()), id -> answer.tryFail(
                new BurrowException(Reason.EDGE_UNREACHABLE, null, "the edge did not answer the goodbye within "
                        + timeout.toMillis() + " ms", null)));
        closed.future().onComplete(ar -> answer.tryFail(linkLost(ar.result())));
        return answer.future().andThen(ar -> vertx.cancelTimer(timer));
    }

    /** The edge's answer to AUTH. Only valid once {@link #open} succeeded. */
    ControlMessage.AuthResult auth() {
        return authResult.future().result();
    }

    /** Sends BIND (the request id is filled in here) and completes with the edge's BIND_RESULT, ok or not. */
    Future<ControlMessage.BindResult> bind(java.util.function.LongFunction<ControlMessage.Bind> bindForRequestId) {
        if (closed.future().isComplete()) {
            return Future.failedFuture(linkLost(closed.future().result()));
        }
        long requestId = nextRequestId++;
        Promise<ControlMessage.BindResult> promise = Promise.promise();
        pendingBinds.put(requestId, promise);
        mux.sendControl(bindForRequestId.apply(requestId));
        return promise.future();
    }

    /**
     * Sends UPDATE_POLICY for the endpoint this link's edge knows as {@code endpointId} and completes with the edge's
     * answer, ok or not; fails with {@link BurrowException} when the edge predates the message or the link ends first.
     */
    Future<ControlMessage.UpdatePolicyResult> updatePolicy(String endpointId, String document) {
        if (closed.future().isComplete()) {
            return Future.failedFuture(linkLost(closed.future().result()));
        }
        if (!auth().supports(ControlMessage.AuthResult.FEATURE_UPDATE_POLICY)) {
            return Future.failedFuture(new BurrowException(Reason.POLICY_REFUSED, null, "the edge at " + address
                    + " cannot change a running endpoint's policy (it predates that); restart the endpoint instead", null));
        }
        long requestId = nextRequestId++;
        Promise<ControlMessage.UpdatePolicyResult> promise = Promise.promise();
        pendingPolicyUpdates.put(requestId, promise);
        mux.sendControl(new ControlMessage.UpdatePolicy(requestId, endpointId, document));
        return promise.future();
    }

    /** The id this link's edge gave {@code endpoint}, or null when it is not bound here. */
    String boundId(ListenerEndpoint endpoint) {
        return boundIds.get(endpoint);
    }

    void unbind(String endpointId) {
        if (!closed.future().isComplete()) {
            mux.sendControl(new ControlMessage.Unbind(endpointId));
        }
    }

    /** The edge address this link dialed, "host:port". */
    String address() {
        return address;
    }

    /** The last heartbeat round trip (zero before the first); readable from any thread. */
    java.time.Duration roundTrip() {
        return mux.lastRoundTrip();
    }

    /**
     * The agent-link addresses of the cluster's other nodes: as the edge listed them when this link authenticated, or
     * as its latest {@code edge_nodes} update lists them.
     */
    List<String> edgeNodes() {
        return edgeNodes != null ? edgeNodes : auth().edgeNodes();
    }

    /** Where the edge's {@link ControlMessage.PolicyRefusal}s go; returns this link. */
    EdgeLink policyRefusalHandler(BiConsumer<EdgeLink, ControlMessage.PolicyRefusal> handler) {
        this.policyRefusalHandler = handler;
        return this;
    }

    /**
     * Where the edge's {@code INVALID_TRAFFIC_POLICY} errors outside a request go (a part of an endpoint's policy it
     * stopped honouring: an expired server certificate); returns this link.
     */
    EdgeLink policyNoticeHandler(BiConsumer<EdgeLink, String> handler) {
        this.policyNoticeHandler = handler;
        return this;
    }

    /** Called (on the link's event loop) each time the edge sends a new list of the other nodes. */
    void edgeNodesHandler(java.util.function.Consumer<EdgeLink> handler) {
        this.edgeNodesHandler = handler;
    }

    /** Remembers the id the edge gave {@code endpoint} on this link (streams for it carry that id). */
    void recordBinding(ListenerEndpoint endpoint, String endpointId) {
        String previous = boundIds.put(endpoint, endpointId);
        if (previous != null) {
            endpointsById.remove(previous);
        }
        endpointsById.put(endpointId, endpoint);
    }

    /** True once {@code endpoint} is bound on this link. */
    boolean isBound(ListenerEndpoint endpoint) {
        return boundIds.containsKey(endpoint);
    }

    /** The endpoint this link's edge knows as {@code endpointId}, or null. */
    ListenerEndpoint endpointFor(String endpointId) {
        return endpointsById.get(endpointId);
    }

    /** True while a BIND sent on this link has no answer yet. */
    boolean hasPendingBinds() {
        return !pendingBinds.isEmpty();
    }

    /**
     * Runs {@code action} once every BIND sent on this link so far has its answer (ok, refused or lost), after the
     * callers of {@link #bind} saw it; at once when none is pending.
     */
    void afterPendingBinds(Runnable action) {
        if (pendingBinds.isEmpty()) {
            action.run();
            return;
        }
        List<Future<ControlMessage.BindResult>> answers = pendingBinds.values().stream().map(Promise::future).toList();
        Future.join(answers).onComplete(ar -> action.run());
    }

    /** Sends UNBIND for {@code endpoint} if it is bound on this link, and forgets it. */
    void unbind(ListenerEndpoint endpoint) {
        String id = boundIds.remove(endpoint);
        if (id != null) {
            endpointsById.remove(id);
            unbind(id);
        }
    }

    /** Completes when the edge sent GO_AWAY: it takes no new streams on this link; open ones may finish. */
    Future<FramePayloads.GoAway> goingAway() {
        return goingAway.future();
    }

    /** Streams the edge opened on this link that are not closed yet. */
    int openStreams() {
        return openStreams;
    }

    /**
     * Closes the link once the edge's open streams on it are done, or after {@link #DRAIN_TIMEOUT} at the latest
     * (the edge's own drain bound is of the same order).
     */
    void closeWhenIdle(String reason) {
        closeWhenIdle(reason, DRAIN_TIMEOUT);
    }

    /** As {@link #closeWhenIdle(String)}, closing after {@code bound} at the latest. */
    void closeWhenIdle(String reason, Duration bound) {
        if (drainReason != null || isClosed()) {
            return;
        }
        drainReason = reason;
        drainTimer = vertx.setTimer(Math.max(1, bound.toMillis()), id -> {
            drainTimer = -1;
            LOG.info("{}: {} stream(s) still open after {} ms; closing", mux.name(), openStreams, bound.toMillis());
            mux.close(ErrorCode.NO_ERROR, reason);
        });
        closed.future().onComplete(ar -> {
            if (drainTimer >= 0) {
                vertx.cancelTimer(drainTimer);
                drainTimer = -1;
            }
        });
        closeIfIdle();
    }

    private void closeIfIdle() {
        if (drainReason != null && openStreams == 0 && !isClosed()) {
            LOG.info("{}: no streams left, closing ({})", mux.name(), drainReason);
            mux.close(ErrorCode.NO_ERROR, drainReason);
        }
    }

    /** Completes (never fails) when the link is gone, with the reason. */
    Future<LinkClosed> closed() {
        return closed.future();
    }

    boolean isClosed() {
        return closed.future().isComplete();
    }

    void close(ErrorCode code, String message) {
        mux.close(code, message);
    }

    String name() {
        return mux.name();
    }

    private void onControl(ControlMessage message) {
        if (message instanceof ControlMessage.AuthResult result) {
            authResult.tryComplete(result);
        } else if (message instanceof ControlMessage.BindResult result) {
            Promise<ControlMessage.BindResult> promise = pendingBinds.remove(result.requestId());
            if (promise == null) {
                LOG.warn("{}: BIND_RESULT for unknown request {}", mux.name(), result.requestId());
            } else {
                promise.complete(result);
            }
        } else if (message instanceof ControlMessage.UpdatePolicyResult result) {
            Promise<ControlMessage.UpdatePolicyResult> promise = pendingPolicyUpdates.remove(result.requestId());
            if (promise != null) {
                promise.complete(result);
            }
        } else if (message instanceof ControlMessage.GoodbyeResult result) {
            if (goodbyeAnswer != null) {
                goodbyeAnswer.tryComplete(result.endpointsFreed());
            }
        } else if (message instanceof ControlMessage.EdgeNodes update) {
            edgeNodes = update.edgeNodes();
            LOG.debug("{}: the other edge nodes are now {}", mux.name(), edgeNodes);
            edgeNodesHandler.accept(this);
        } else if (message instanceof ControlMessage.PolicyRefusal refusal) {
            policyRefusalHandler.accept(this, refusal);
        } else if (message instanceof ControlMessage.Error error) {
            LOG.warn("{}: the edge reports {}: {}", mux.name(), error.code(), error.message());
            if (error.code() == ErrorCode.AUTH_FAILED || error.code() == ErrorCode.NOT_AUTHENTICATED) {
                authResult.tryFail(new BurrowException(Reason.AUTH_FAILED, error.code(), error.message(), null));
            } else if (error.code() == ErrorCode.INVALID_TRAFFIC_POLICY) {
                policyNoticeHandler.accept(this, error.message());
            }
        } else {
            LOG.warn("{}: ignoring unexpected control message {}", mux.name(), message.getClass().getSimpleName());
        }
    }

    private void onClosed(LinkClosed reason) {
        closed.tryComplete(reason);
        BurrowException lost = linkLost(reason);
        authResult.tryFail(lost);
        Map<Long, Promise<ControlMessage.BindResult>> pending = new HashMap<>(pendingBinds);
        pendingBinds.clear();
        pending.values().forEach(promise -> promise.tryFail(lost));
        List.copyOf(pendingPolicyUpdates.values()).forEach(promise -> promise.tryFail(lost));
        pendingPolicyUpdates.clear();
    }

    static BurrowException linkLost(LinkClosed reason) {
        return new BurrowException(Reason.LINK_LOST, reason.code(), describe(reason), null);
    }

    /** "the edge closed the link: GOING_AWAY: shutting down" and similar, for users. */
    static String describe(LinkClosed reason) {
        if (reason.code() == ErrorCode.HEARTBEAT_TIMEOUT) {
            return "no heartbeat from the edge: " + reason.message();
        }
        String who = reason.byPeer() ? "the edge closed the link" : "link closed";
        String message = reason.message() == null || reason.message().isBlank() ? "" : ": " + reason.message();
        return who + " (" + reason.code() + message + ")";
    }
}
