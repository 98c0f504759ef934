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
 * Ends an HTTP/2 connection the edge closes without losing its last words. Closed at once while bytes from the client
 * are still unread, a socket makes the kernel answer with a reset and drop what it had not sent yet: the GOAWAY (and
 * TLS close_notify) just written. So a close by the edge becomes: read and drop whatever arrives (reading on keeps a
 * client that is still sending from blocking, so that it gets to read), let what was written reach the socket, then a
 * FIN; the client's own close ends the connection, or {@link #LINGER_MILLIS} do. A connection {@link #arm armed}
 * (cut off for a flood) drops what arrives from that moment, before the close. Sits first in the pipeline, before any
 * TLS handler, so that the dropped bytes are not even decrypted.
 */
final class LingeringClose extends ChannelDuplexHandler {
    static final String NAME = "burrowLingeringClose";
    /** The longest a closing connection keeps reading (and dropping) before it closes. */
    static final long LINGER_MILLIS = 1_000;

    private boolean dropping;
    private boolean lingering;

    /** From now on what arrives is dropped. On the channel's event loop. */
    void arm(Channel channel) {
        dropping = true;
        channel.config().setAutoRead(true);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (dropping) {
            ReferenceCountUtil.release(msg);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        Channel channel = ctx.channel();
        if (lingering) {
            // A second close (the codec's, Vert.x's) waits for the same end.
            channel.closeFuture().addListener(closed -> promise.trySuccess());
            return;
        }
        if (!channel.isActive() || !(channel instanceof DuplexChannel duplex)) {
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
