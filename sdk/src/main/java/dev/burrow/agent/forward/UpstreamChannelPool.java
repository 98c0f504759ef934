package dev.burrow.agent.forward;

import dev.burrow.net.LargeReads;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.internal.VertxInternal;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keep-alive HTTP/1.1 connections to one plain-HTTP upstream, opened on the event loop that asks (the link's), with the
 * idle ones kept per event loop so that an exchange never leaves its thread. A channel is handed out with its codec and
 * an idle guard at the end of its pipeline; the exchange puts its own handler in front of the guard and takes it out
 * before giving the channel back. Everything but {@link #close()} runs on the channel's event loop.
 */
final class UpstreamChannelPool {
    /** Idle connections kept per event loop; one given back beyond this is closed. */
    static final int MAX_IDLE_PER_LOOP = 256;
    /**
     * Connections handed out (or being opened) per event loop at most, as the Vert.x client's pool allows; exchanges
     * beyond it go through that client, which queues them, so a link's 10 000 streams never open 10 000 sockets.
     */
    static final int MAX_IN_USE_PER_LOOP = 256;
    /** The same bounds as the Vert.x client's defaults, except the body piece size (fewer, larger link writes). */
    static final int MAX_STATUS_LINE = 4096;
    static final int MAX_HEADER_BYTES = 8192;
    static final int MAX_BODY_PIECE = 64 * 1024;
    static final String GUARD = "idle-guard";
    /** An idle connection is closed after this long unused (the Vert.x client's keep-alive timeout). */
    static final long IDLE_TIMEOUT_SECONDS = 60;
    private static final AttributeKey<ScheduledFuture<?>> IDLE_CLOSE = AttributeKey.valueOf("burrow.idleClose");
    private static final AttributeKey<Boolean> IN_USE = AttributeKey.valueOf("burrow.inUse");

    private final VertxInternal vertx;
    private final HttpUpstream upstream;
    private final int connectTimeoutMillis;
    private final Map<EventLoop, ArrayDeque<Channel>> idle = new ConcurrentHashMap<>();
    private final Map<EventLoop, AtomicInteger> inUse = new ConcurrentHashMap<>();
    private volatile boolean closed;

    UpstreamChannelPool(VertxInternal vertx, HttpUpstream upstream, int connectTimeoutMillis) {
        this.vertx = vertx;
        this.upstream = upstream;
        this.connectTimeoutMillis = connectTimeoutMillis;
    }

    /** Whether {@code loop} may take another exchange ({@link #MAX_IN_USE_PER_LOOP}); any thread. */
    boolean hasRoom(EventLoop loop) {
        return inUseOf(loop).get() < MAX_IN_USE_PER_LOOP;
    }

    /** An idle connection of {@code loop}, or a new one; on {@code loop}. */
    Future<Channel> acquire(EventLoop loop) {
        ArrayDeque<Channel> queue = idleOf(loop);
        for (Channel channel = queue.pollLast(); channel != null; channel = queue.pollLast()) {
            ScheduledFuture<?> idleClose = channel.attr(IDLE_CLOSE).getAndSet(null);
            if (idleClose != null) {
                idleClose.cancel(false);
            }
            if (channel.isActive()) {
                markInUse(channel);
                return loop.newSucceededFuture(channel);
            }
        }
        inUseOf(loop).incrementAndGet();
        Future<Channel> connected = connect(loop);
        connected.addListener(done -> {
            if (done.isSuccess()) {
                connected.getNow().attr(IN_USE).set(Boolean.TRUE);
            } else {
                inUseOf(loop).decrementAndGet();
            }
        });
        return connected;
    }

    private void markInUse(Channel channel) {
        channel.attr(IN_USE).set(Boolean.TRUE);
        inUseOf(channel.eventLoop()).incrementAndGet();
    }

    /** A connection's exchange is over (given back, or closed while handed out). */
    private void notInUse(Channel channel) {
        if (Boolean.TRUE.equals(channel.attr(IN_USE).getAndSet(null))) {
            inUseOf(channel.eventLoop()).decrementAndGet();
        }
    }

    /** Takes back a connection whose exchange ended cleanly (response complete, request sent); on its event loop. */
    void release(Channel channel) {
        notInUse(channel);
        ArrayDeque<Channel> queue = idleOf(channel.eventLoop());
        if (closed || !channel.isActive() || queue.size() >= MAX_IDLE_PER_LOOP) {
            channel.close();
        } else {
            channel.config().setAutoRead(true);
            channel.attr(IDLE_CLOSE).set(channel.eventLoop().schedule(() -> channel.close(), IDLE_TIMEOUT_SECONDS, TimeUnit.SECONDS));
            queue.addLast(channel);
        }
    }

    /** Closes the idle connections; those of exchanges in flight close when their exchange ends. Any thread. */
    void close() {
        closed = true;
        idle.forEach((loop, queue) -> {
            try {
                loop.execute(() -> List.copyOf(queue).forEach(Channel::close));
            } catch (RejectedExecutionException shutDown) {
                // The event loop is going away, and its channels with it.
            }
        });
    }

    private ArrayDeque<Channel> idleOf(EventLoop loop) {
        return idle.computeIfAbsent(loop, l -> new ArrayDeque<>());
    }

    private AtomicInteger inUseOf(EventLoop loop) {
        return inUse.computeIfAbsent(loop, l -> new AtomicInteger());
    }

    private Future<Channel> connect(EventLoop loop) {
        Promise<Channel> promise = loop.newPromise();
        vertx.nameResolver().resolve(loop, upstream.host()).addListener((Future<InetSocketAddress> resolved) -> {
            if (!resolved.isSuccess()) {
                promise.tryFailure(resolved.cause());
                return;
            }
            InetSocketAddress address = new InetSocketAddress(resolved.getNow().getAddress(), upstream.port());
            bootstrap(loop).connect(address).addListener((ChannelFuture connected) -> {
                if (!connected.isSuccess()) {
                    promise.tryFailure(connected.cause());
                    return;
                }
                Channel channel = connected.channel();
                channel.closeFuture().addListener(f -> {
                    idleOf(channel.eventLoop()).remove(channel);
                    notInUse(channel);
                });
                if (!promise.trySuccess(channel)) {
                    channel.close();
                }
            });
        });
        return promise;
    }

    private Bootstrap bootstrap(EventLoop loop) {
        return new Bootstrap()
                .group(loop)
                .channelFactory(vertx.transport().channelFactory(false))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.RECVBUF_ALLOCATOR, LargeReads.allocator())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        HttpDecoderConfig limits = new HttpDecoderConfig()
                                .setMaxInitialLineLength(MAX_STATUS_LINE)
                                .setMaxHeaderSize(MAX_HEADER_BYTES)
                                .setMaxChunkSize(MAX_BODY_PIECE);
                        channel.pipeline().addLast("http", new HttpClientCodec(limits, false, false));
                        channel.pipeline().addLast(GUARD, new IdleGuard());
                    }
                });
    }

    /** Last in the pipeline: anything an idle connection receives (no exchange owns it) makes it unusable. */
    private static final class IdleGuard extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
            ctx.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
