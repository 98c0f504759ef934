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
import dev.burrow.protocol.ProtocolLimits;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;

/**
 * One authenticated link to the edge: the multiplexer plus the control conversation on stream 0 (auth, bind
 * requests matched to their results by request id). Confined to the link's event loop, which is the session's.
 */
final class EdgeLink {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeLink.class);

    private final Vertx vertx;
    private final StreamMultiplexer mux;
    private final Map<Long, Promise<ControlMessage.BindResult>> pendingBinds = new HashMap<>();
    private final Promise<ControlMessage.AuthResult> authResult = Promise.promise();
    private final Promise<LinkClosed> closed = Promise.promise();
    private long nextRequestId = 1;

    private EdgeLink(Vertx vertx, NetSocket socket, MuxOptions options, Handler<MuxStream> streamHandler) {
        this.vertx = vertx;
        this.mux = new StreamMultiplexer(vertx, socket, LinkRole.DIALER, options);
        mux.incomingStreamHandler(streamHandler)
                .controlHandler(this::onControl)
                .goAwayHandler(goAway -> LOG.info("{}: the edge is going away ({}: {})", mux.name(), goAway.code(), goAway.message()))
                .closeHandler(this::onClosed);
    }

    /**
     * Starts the multiplexer on {@code socket} (call on the socket's context), sends {@code auth} and completes
     * once the edge accepted it. Fails with {@link BurrowException} ({@code AUTH_FAILED} when refused) and
     * closes the link when the edge refuses, does not answer in time, or the link dies first.
     */
    static Future<EdgeLink> open(Vertx vertx, NetSocket socket, MuxOptions options, ControlMessage.Auth auth,
                                 Handler<MuxStream> streamHandler) {
        EdgeLink link = new EdgeLink(vertx, socket, options, streamHandler);
        return link.authenticate(auth).map(result -> link);
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
                        return Future.succeededFuture(result);
                    }
                    String sentence = result.message() == null ? "no reason given" : result.message();
                    return Future.failedFuture(new BurrowException(Reason.AUTH_FAILED, result.errorCode(), sentence, null));
                })
                .onFailure(failure -> mux.close(ErrorCode.NO_ERROR, "authentication did not succeed"));
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

    void unbind(String endpointId) {
        if (!closed.future().isComplete()) {
            mux.sendControl(new ControlMessage.Unbind(endpointId));
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
        } else if (message instanceof ControlMessage.Error error) {
            LOG.warn("{}: the edge reports {}: {}", mux.name(), error.code(), error.message());
            if (error.code() == ErrorCode.AUTH_FAILED || error.code() == ErrorCode.NOT_AUTHENTICATED) {
                authResult.tryFail(new BurrowException(Reason.AUTH_FAILED, error.code(), error.message(), null));
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
