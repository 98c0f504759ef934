package dev.burrow.edge.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.net.impl.ShutdownEvent;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a graceful shutdown (a drain) from closing a connection that was accepted but has not delivered its first
 * request yet. Vert.x closes every HTTP/1 connection without a response in progress as soon as the server shuts down,
 * so a client whose connection was accepted a moment before the listener closed, and whose request was still on its
 * way (or unread in the socket buffer), got its connection closed with no answer: an "empty reply" that a load
 * balancer must not retry for a non-idempotent request. Here the shutdown reaches such a connection only once its
 * first request has begun (Vert.x then answers it and closes after the response), or after {@link #GRACE}. An idle
 * keep-alive connection gets the shutdown at once, as HTTP allows.
 * <p>
 * Sits between the request decoder and Vert.x's handler; one per connection, on its event loop.
 */
final class FirstRequestGrace extends ChannelDuplexHandler {
    /** How long a fresh connection may take to send its first request once the listener has closed. */
    static final Duration GRACE = Duration.ofSeconds(5);

    private boolean requestSeen;
    private ShutdownEvent held;
    private ScheduledFuture<?> timer;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        boolean first = !requestSeen && msg instanceof HttpRequest;
        if (first) {
            requestSeen = true;
        }
        ctx.fireChannelRead(msg);
        if (first && held != null) {
            release(ctx);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof ShutdownEvent shutdown && !requestSeen && held == null) {
            held = shutdown;
            timer = ctx.executor().schedule(() -> release(ctx), GRACE.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelTimer();
        super.channelInactive(ctx);
    }

    private void release(ChannelHandlerContext ctx) {
        ShutdownEvent event = held;
        if (event == null) {
            return;
        }
        held = null;
        cancelTimer();
        ctx.fireUserEventTriggered(event);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
