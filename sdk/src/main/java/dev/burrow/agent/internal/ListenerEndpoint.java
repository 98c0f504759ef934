package dev.burrow.agent.internal;

import dev.burrow.agent.BurrowException;
import dev.burrow.agent.EndpointListener;
import dev.burrow.agent.TunnelConnection;
import dev.burrow.protocol.ErrorCode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;

import java.util.ArrayDeque;
import java.util.function.Function;

/**
 * An open endpoint of a session: what was asked ({@link EndpointSpec}), where the edge put it (id and public
 * URL, refreshed on every re-bind), and the hand-over of its incoming connections to {@link #accept()} callers
 * or a connection handler. State is confined to the session's context.
 */
public final class ListenerEndpoint implements EndpointListener {
    /** Connections waiting for {@link #accept()}; beyond this the edge's new streams are refused. */
    static final int MAX_BACKLOG = 1024;

    private final Context context;
    private volatile EndpointSpec spec;
    private final Function<ListenerEndpoint, Future<Void>> unbinder;
    private final java.util.function.BiFunction<ListenerEndpoint, String, Future<Void>> policyChanger;
    private final ArrayDeque<TunnelConnection> backlog = new ArrayDeque<>();
    private final ArrayDeque<Promise<TunnelConnection>> waiters = new ArrayDeque<>();
    private final Promise<Void> closed = Promise.promise();
    private Handler<TunnelConnection> connectionHandler;
    private volatile String id;
    private volatile String publicUrl;

    ListenerEndpoint(Context context, EndpointSpec spec, String id, String publicUrl,
                     Function<ListenerEndpoint, Future<Void>> unbinder,
                     java.util.function.BiFunction<ListenerEndpoint, String, Future<Void>> policyChanger) {
        this.context = context;
        this.policyChanger = policyChanger;
        this.spec = spec;
        this.id = id;
        this.publicUrl = publicUrl;
        this.unbinder = unbinder;
    }

    EndpointSpec spec() {
        return spec;
    }

    /** After a live policy change: what later binds of this endpoint carry. */
    void respecified(EndpointSpec newSpec) {
        this.spec = newSpec;
    }

    /** After a re-bind: the edge's new id for the endpoint (and the URL, normally unchanged). */
    void rebound(String newId, String newPublicUrl) {
        this.id = newId;
        this.publicUrl = newPublicUrl;
    }

    /** Called on the session's context for each stream the edge opens for this endpoint. */
    void deliver(TunnelConnection connection) {
        if (isClosedNow()) {
            connection.reset(ErrorCode.ENDPOINT_NOT_FOUND, "endpoint " + publicUrl + " is closed on the agent");
        } else if (connectionHandler != null) {
            connectionHandler.handle(connection);
        } else if (!waiters.isEmpty()) {
            waiters.poll().complete(connection);
        } else if (backlog.size() >= MAX_BACKLOG) {
            connection.reset(ErrorCode.TOO_MANY_STREAMS, "the application behind " + publicUrl + " is not accepting connections");
        } else {
            backlog.add(connection);
        }
    }

    /** Called on the session's context when the session closes or the endpoint was unbound. */
    void markClosed() {
        if (closed.tryComplete()) {
            BurrowException gone = new BurrowException(BurrowException.Reason.CLOSED, "endpoint " + publicUrl + " is closed");
            waiters.forEach(waiter -> waiter.tryFail(gone));
            waiters.clear();
            backlog.forEach(connection -> connection.reset(ErrorCode.ENDPOINT_NOT_FOUND, "endpoint closed"));
            backlog.clear();
        }
    }

    private boolean isClosedNow() {
        return closed.future().isComplete();
    }

    @Override
    public Future<TunnelConnection> accept() {
        Promise<TunnelConnection> promise = Promise.promise();
        context.runOnContext(v -> {
            if (!backlog.isEmpty()) {
                promise.complete(backlog.poll());
            } else if (isClosedNow()) {
                promise.fail(new BurrowException(BurrowException.Reason.CLOSED, "endpoint " + publicUrl + " is closed"));
            } else {
                waiters.add(promise);
            }
        });
        return promise.future();
    }

    @Override
    public EndpointListener connectionHandler(Handler<TunnelConnection> handler) {
        context.runOnContext(v -> {
            connectionHandler = handler;
            while (handler != null && !backlog.isEmpty()) {
                handler.handle(backlog.poll());
            }
        });
        return this;
    }

    /** The edge refused a request to this endpoint: its forwarder (if any) shows it; on the context. */
    void policyRefused(dev.burrow.protocol.ControlMessage.PolicyRefusal refusal) {
        if (connectionHandler instanceof dev.burrow.agent.forward.ConnectionForwarder forwarder) {
            forwarder.policyRefused(refusal);
        }
    }

    @Override
    public java.net.ServerSocket serverSocket() throws java.io.IOException {
        return new TunnelServerSocket(this);
    }

    @Override
    public String proto() {
        return spec.proto();
    }

    @Override
    public String publicUrl() {
        return publicUrl;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Future<Void> updateTrafficPolicy(String document) {
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> {
            if (isClosedNow()) {
                done.fail(new BurrowException(BurrowException.Reason.CLOSED, "endpoint " + publicUrl + " is closed"));
            } else {
                policyChanger.apply(this, document).onComplete(done);
            }
        });
        return done.future();
    }

    @Override
    public Future<Void> close() {
        Promise<Void> done = Promise.promise();
        context.runOnContext(v -> {
            if (isClosedNow()) {
                done.complete();
            } else {
                unbinder.apply(this).onComplete(ar -> done.complete());
            }
        });
        return done.future();
    }

    @Override
    public Future<Void> closed() {
        return closed.future();
    }

    @Override
    public String toString() {
        return spec.proto() + " endpoint " + publicUrl + " (" + id + ")";
    }
}
