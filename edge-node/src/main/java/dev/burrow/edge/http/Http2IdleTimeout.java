package dev.burrow.edge.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.http.HttpServerOptions;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The idle timeout of an HTTP/2 connection ({@code --http-idle-timeout}, as on HTTP/1.1): once it has no open stream, it
 * is sent GOAWAY {@code NO_ERROR} and closed after that long, whatever else it sends meanwhile (PING, SETTINGS and
 * WINDOW_UPDATE frames do not keep it open); a new stream stops the clock. Closed at the latest
 * {@link Http2Limits#GOAWAY_CLOSE_GRACE} after its GOAWAY. On the connection's event loop.
 * <p>
 * Vert.x hands an HTTP/2 connection over only once the client's first SETTINGS frame arrived, so this clock cannot start
 * earlier. Before that (TLS done, then nothing, or the preface alone) the connection is left to Vert.x's own idle handler
 * ({@link #untilHandedOver}), closed once nothing was read or written for the same idle timeout, which
 * {@link #handedOver} removes.
 */
final class Http2IdleTimeout extends Http2ConnectionAdapter {
    /** The name Vert.x gives the idle handler it puts in every connection's pipeline when the options set a timeout. */
    private static final String VERTX_IDLE_HANDLER = "idle";

    private final Channel channel;
    private final Http2Connection connection;
    private final Duration idle;
    private ScheduledFuture<?> timer;

    private Http2IdleTimeout(Channel channel, Http2Connection connection, Duration idle) {
        this.channel = channel;
        this.connection = connection;
        this.idle = idle;
    }

    /**
     * Sets Vert.x's idle timeout on the options of a server that speaks HTTP/2: it closes a connection that goes
     * {@code idle} without a byte read or written between its TLS handshake (or its acceptance, in clear text) and its
     * hand-over to the edge; returns the options.
     */
    static HttpServerOptions untilHandedOver(HttpServerOptions options, Duration idle) {
        return options.setIdleTimeout((int) idle.toMillis()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
    }

    /**
     * The connection of {@code pipeline} was handed over (an HTTP/1 connection at once, an HTTP/2 one at its first
     * SETTINGS frame): Vert.x's idle handler leaves it, so that the edge's own timeouts alone apply from now on.
     */
    static void handedOver(ChannelPipeline pipeline) {
        if (pipeline.get(VERTX_IDLE_HANDLER) instanceof IdleStateHandler) {
            pipeline.remove(VERTX_IDLE_HANDLER);
        }
    }

    /** Starts the clock on a connection (now, unless a stream is open already). */
    static void start(Channel channel, Http2Connection connection, Duration idle) {
        Http2IdleTimeout timeout = new Http2IdleTimeout(channel, connection, idle);
        connection.addListener(timeout);
        channel.closeFuture().addListener(f -> timeout.stop());
        if (connection.numActiveStreams() == 0) {
            timeout.arm();
        }
    }

    @Override
    public void onStreamActive(Http2Stream stream) {
        stop();
    }

    @Override
    public void onStreamClosed(Http2Stream stream) {
        if (connection.numActiveStreams() == 0 && channel.isOpen()) {
            arm();
        }
    }

    private void arm() {
        stop();
        timer = channel.eventLoop().schedule(this::expired, idle.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void stop() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void expired() {
        timer = null;
        if (connection.numActiveStreams() > 0 || !channel.isOpen()) {
            return;
        }
        // An idle connection is closed without a log line, as on HTTP/1.1. Through the HTTP/2 codec, which sends GOAWAY NO_ERROR before closing.
        channel.close();
        Http2FloodGuard.closeWithin(channel, Http2Limits.GOAWAY_CLOSE_GRACE);
    }
}
