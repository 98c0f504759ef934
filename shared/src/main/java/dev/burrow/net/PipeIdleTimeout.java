package dev.burrow.net;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateHandler;
import io.vertx.core.net.impl.ConnectionBase;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes a byte-pipe socket (a TCP endpoint connection, an upgraded HTTP connection) that carried nothing either
 * way for a while, so that a peer that went silent behind a middlebox still holding the connection frees both ends
 * of the pipe: Vert.x closes the socket on Netty's idle event, and the pipe's close handling resets the other end.
 * Counts at the socket, so it costs nothing per byte.
 */
public final class PipeIdleTimeout {
    private static final String HANDLER = "burrow-pipe-idle";

    private PipeIdleTimeout() {
    }

    /** Installs the timeout on the socket under a Vert.x connection; zero or null does nothing. Its event loop. */
    public static void install(Object vertxConnection, Duration idle) {
        if (idle == null || idle.isZero() || idle.isNegative() || !(vertxConnection instanceof ConnectionBase connection)) {
            return;
        }
        ChannelPipeline pipeline = connection.channel().pipeline();
        IdleStateHandler handler = new IdleStateHandler(0, 0, idle.toMillis(), TimeUnit.MILLISECONDS);
        if (pipeline.get(HANDLER) == null) {
            pipeline.addFirst(HANDLER, handler);
        }
    }
}
