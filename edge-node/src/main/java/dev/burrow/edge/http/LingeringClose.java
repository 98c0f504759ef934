package dev.burrow.edge.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;

import java.util.concurrent.TimeUnit;

/**
 * Ends a connection the edge closes without losing its last words (an HTTP/2 one, or an HTTP/1 one whose request body
 * it refused). Closed at once while bytes from the client
 * are still unread, a socket makes the kernel answer with a reset and drop what it had not sent yet: the GOAWAY (and
 * TLS close_notify) just written. So a close by the edge becomes: read and drop whatever arrives (reading on keeps a
 * client that is still sending from blocking, so that it gets to read), let what was written reach the socket, then a
 * FIN; the client's own close ends the connection, or {@link #LINGER_MILLIS}, or {@link #LINGER_MAX_BYTES} dropped
 * (a client that never stops sending). A connection {@link #arm armed}
 * (cut off for a flood) drops what arrives from that moment, before the close. Sits first in the pipeline, before any
 * TLS handler, so that the dropped bytes are not even decrypted.
 */
final class LingeringClose extends ChannelDuplexHandler {
    static final String NAME = "burrowLingeringClose";
    /** The longest a closing connection keeps reading (and dropping) before it closes. */
    static final long LINGER_MILLIS = 1_000;
    /**
     * The most a closing connection reads and drops before it closes anyway: more than a client's flood in flight (a
     * few MB at most, all that socket buffers hold), so that it gets to read its GOAWAY, but on loopback a client can
     * push hundreds of MB in {@link #LINGER_MILLIS}, which the edge would read for nothing.
     */
    static final long LINGER_MAX_BYTES = 8L * 1024 * 1024;

    private boolean dropping;
    private boolean lingering;
    private long dropped;

    /** From now on what arrives is dropped. On the channel's event loop. */
    void arm(Channel channel) {
        dropping = true;
        channel.config().setAutoRead(true);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (dropping) {
            if (msg instanceof io.netty.buffer.ByteBuf bytes) {
                dropped += bytes.readableBytes();
            }
            ReferenceCountUtil.release(msg);
            if (dropped > LINGER_MAX_BYTES) {
                ctx.close();
            }
            return;
        }
        ctx.fireChannelRead(msg);
    }

    private static boolean abortive(Channel channel) {
        try {
            return Integer.valueOf(0).equals(channel.config().getOption(io.netty.channel.ChannelOption.SO_LINGER));
        } catch (RuntimeException unsupported) {
            return false;
        }
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        Channel channel = ctx.channel();
        if (lingering) {
            // A second close (the codec's, Vert.x's) waits for the same end.
            channel.closeFuture().addListener(closed -> promise.trySuccess());
            return;
        }
        // A close made abortive on purpose (SO_LINGER 0: a response broken off) must reset the connection, not end it.
        if (!channel.isActive() || !(channel instanceof DuplexChannel duplex) || abortive(channel)) {
            ctx.close(promise);
            return;
        }
        lingering = true;
        arm(channel);
        channel.closeFuture().addListener(closed -> promise.trySuccess());
        // Closing from this handler's own context goes straight to the socket, past this handler.
        channel.eventLoop().schedule(() -> ctx.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
        // An empty write completes once every write before it reached the socket; only then may output shut down
        // (shutting down drops what Netty still holds).
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) written -> {
            if (written.isSuccess()) {
                duplex.shutdownOutput();
            } else {
                ctx.close();
            }
        });
    }
}
