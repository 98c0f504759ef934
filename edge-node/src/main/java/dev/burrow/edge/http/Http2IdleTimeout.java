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
 * The time bounds of an HTTP/2 connection, which trickling bytes or frames does not stretch. Until its first stream opens
 * it is awaiting a request head, as an HTTP/1.1 connection is: the head timeout ({@code --http-head-timeout}) runs,
 * once from the connection's start until its preface and first SETTINGS frame arrived ({@link #untilHandedOver}), and
 * again from there until its first request head. Once a stream was opened, the idle timeout ({@code --http-idle-timeout},
 * as on HTTP/1.1): whenever it has no open stream it is closed after that long, whatever else it sends meanwhile (PING,
 * SETTINGS and WINDOW_UPDATE frames do not keep it open); a new stream stops the clock. Ended with GOAWAY
 * {@code NO_ERROR}, and closed at the latest {@link Http2Limits#GOAWAY_CLOSE_GRACE} after. On the connection's event loop.
 */
final class Http2IdleTimeout extends Http2ConnectionAdapter {
    /** The name Vert.x gives the idle handler it puts in every connection's pipeline when the options set a timeout. */
    private static final String VERTX_IDLE_HANDLER = "idle";

    private final Channel channel;
    private final Http2Connection connection;
    private final Duration idle;
    /** Until the first stream opens: the head timeout. */
    private Duration untilFirstStream;
    private ScheduledFuture<?> timer;

    private Http2IdleTimeout(Channel channel, Http2Connection connection, Duration head, Duration idle) {
        this.channel = channel;
        this.connection = connection;
        this.untilFirstStream = head;
        this.idle = idle;
    }

    /**
     * Bounds the time from a connection's start (its TLS handshake done, or its acceptance in clear text) to its hand-over
     * to the edge, which Vert.x makes only once the client's preface and first SETTINGS frame arrived: Vert.x's idle
     * handler closes it {@code head} after the last frame the server wrote, and before the hand-over the server writes
     * only its own SETTINGS, as the connection starts (TLS records, handshake or not, do not count: they are written
     * below that handler). Whatever the client sends or trickles, that is {@code head} from the connection's start.
     * Returns the options.
     */
    static HttpServerOptions untilHandedOver(HttpServerOptions options, Duration head) {
        return options.setIdleTimeout(0).setWriteIdleTimeout((int) head.toMillis()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
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

    /**
     * Starts the clock on a connection just handed over: its first request head must come within {@code head}, and
     * then it may go without an open stream for {@code idle} at a time.
     */
    static void start(Channel channel, Http2Connection connection, Duration head, Duration idle) {
        Http2IdleTimeout timeout = new Http2IdleTimeout(channel, connection, head, idle);
        connection.addListener(timeout);
        channel.closeFuture().addListener(f -> timeout.stop());
        if (connection.numActiveStreams() == 0) {
            timeout.arm();
        } else {
            timeout.untilFirstStream = null;
        }
    }

    @Override
    public void onStreamActive(Http2Stream stream) {
        untilFirstStream = null;
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
        Duration bound = untilFirstStream != null ? untilFirstStream : idle;
        timer = channel.eventLoop().schedule(this::expired, bound.toNanos(), TimeUnit.NANOSECONDS);
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
        // Closed without a log line, as an idle HTTP/1.1 connection is. Through the HTTP/2 codec, which sends GOAWAY NO_ERROR before closing.
        channel.close();
        Http2FloodGuard.closeWithin(channel, Http2Limits.GOAWAY_CLOSE_GRACE);
    }
}
