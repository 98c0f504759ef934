package dev.burrow.agent.forward;

import dev.burrow.protocol.HttpTrailers;

import dev.burrow.agent.TunnelConnection;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.streams.ReadStream;

import java.util.function.Supplier;

/**
 * Relays what an upstream HTTP connection sends (a response body, or the bytes after a 101) into the tunnel
 * connection with backpressure and tells how it ended: the returned future succeeds once the end was passed on
 * ({@code connection.end()}), and fails when a body broke off, so that the caller resets the stream and the edge
 * makes the cut visible to the public client.
 *
 * <p>Why not {@code pipeTo}: Vert.x 5.0's HTTP/1 client reports "Connection was closed" as soon as the upstream
 * closes its connection, even while bytes read before that close still wait in the connection's inbound queue
 * because the response was paused for backpressure; those bytes, and the body's end, are delivered after the
 * exception when the response is read on. An upstream that closes after its response (python's http.server,
 * HTTP/1.0 servers, close-delimited bodies) would look broken off every time the relay was paused near the end.
 * So a close is not a failure by itself: the relay reads on, and the body counts as cut only if its end has not
 * come after {@link #CLOSE_SETTLE_MILLIS} of asking for bytes with nothing arriving (everything left is in memory
 * by then, a few event-loop turns away). An upgraded connection has no body end, its close is its end, and the
 * same early signal would cut its last bytes: there the relay ends the stream after that quiet time.
 * Runs on the response's event loop.
 */
final class UpstreamRelay {
    /** Quiet time, while reading, after the upstream closed, before a body without its end counts as cut. */
    static final long CLOSE_SETTLE_MILLIS = 1000;

    private final Vertx vertx;
    private final ReadStream<Buffer> body;
    private final TunnelConnection connection;
    private final boolean closeIsEnd;
    /** The upstream's trailers, asked for once its body ended; null for an upgraded connection. */
    private final Supplier<HttpTrailers> trailers;
    private final Promise<Void> done = Promise.promise();
    private boolean upstreamClosed;
    private boolean paused;
    private long settleTimer = -1;

    private UpstreamRelay(Vertx vertx, ReadStream<Buffer> body, TunnelConnection connection, boolean closeIsEnd,
                          Supplier<HttpTrailers> trailers) {
        this.vertx = vertx;
        this.trailers = trailers;
        this.closeIsEnd = closeIsEnd;
        this.body = body;
        this.connection = connection;
    }

    /**
     * Starts relaying a response {@code body} (paused, not yet read) into {@code connection}, ending it with the
     * {@code trailers} the upstream sent after the body (null or empty: none).
     */
    static Future<Void> body(Vertx vertx, ReadStream<Buffer> body, TunnelConnection connection, Supplier<HttpTrailers> trailers) {
        return new UpstreamRelay(vertx, body, connection, false, trailers).start();
    }

    /** Starts relaying the bytes of an upgraded connection into {@code connection}; the upstream's close ends it. */
    static Future<Void> upgraded(Vertx vertx, ReadStream<Buffer> socket, TunnelConnection connection) {
        return new UpstreamRelay(vertx, socket, connection, true, () -> null).start();
    }

    private Future<Void> start() {
        body.handler(this::onData);
        body.endHandler(v -> onEnd());
        body.exceptionHandler(this::onFailure);
        connection.drainHandler(v -> onDrained());
        body.resume();
        return done.future();
    }

    private void onData(Buffer data) {
        if (done.future().isComplete()) {
            return;
        }
        connection.write(data);
        if (connection.writeQueueFull()) {
            paused = true;
            body.pause();
            cancelSettle();
        } else {
            armSettle();
        }
    }

    private void onDrained() {
        if (paused && !done.future().isComplete()) {
            paused = false;
            armSettle();
            body.resume();
        }
    }

    private void onEnd() {
        if (closeIsEnd) {
            onUpstreamClosed();
        } else {
            finish();
        }
    }

    private void finish() {
        cancelSettle();
        HttpTrailers ending;
        try {
            ending = trailers.get();
        } catch (IllegalArgumentException tooLarge) {
            done.tryFail(tooLarge);
            return;
        }
        if (done.tryComplete()) {
            connection.end(ending);
        }
    }

    private void onFailure(Throwable failure) {
        if (failure instanceof HttpClosedException) {
            onUpstreamClosed();
            return;
        }
        cancelSettle();
        done.tryFail(failure);
    }

    private void onUpstreamClosed() {
        if (!upstreamClosed) {
            upstreamClosed = true;
            armSettle();
        }
    }

    /** Restarts the quiet-time count after the upstream closed; not while the relay waits for the client. */
    private void armSettle() {
        if (!upstreamClosed || paused) {
            return;
        }
        cancelSettle();
        settleTimer = vertx.setTimer(CLOSE_SETTLE_MILLIS, id -> {
            settleTimer = -1;
            if (closeIsEnd) {
                finish();
            } else {
                done.tryFail(new HttpClosedException("the upstream closed the connection before the end of the body"));
            }
        });
    }

    private void cancelSettle() {
        if (settleTimer >= 0) {
            vertx.cancelTimer(settleTimer);
            settleTimer = -1;
        }
    }
}
