package dev.burrow.edge.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.concurrent.ScheduledFuture;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The idle timeout of an HTTP/2 connection ({@code --http-idle-timeout}, as on HTTP/1.1): once it has no open stream, it
 * is sent GOAWAY {@code NO_ERROR} and closed after that long, whatever else it sends meanwhile (PING, SETTINGS and
 * WINDOW_UPDATE frames do not keep it open); a new stream stops the clock. Closed at the latest
 * {@link Http2Limits#GOAWAY_CLOSE_GRACE} after its GOAWAY. On the connection's event loop.
 */
final class Http2IdleTimeout extends Http2ConnectionAdapter {
    private final Channel channel;
    private final Http2Connection connection;
    private final Duration idle;
    private ScheduledFuture<?> timer;

    private Http2IdleTimeout(Channel channel, Http2Connection connection, Duration idle) {
        this.channel = channel;
        this.connection = connection;
        this.idle = idle;
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
