package dev.burrow.edge.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.impl.ShutdownEvent;

/**
 * TCP half-close on a Vert.x 5 {@link NetSocket}, which has no API for it. The channel is switched to Netty's
 * {@link ChannelOption#ALLOW_HALF_CLOSURE}, so a FIN from the client does not close the socket; a small handler
 * placed before Vert.x's own turns Netty's {@link ChannelInputShutdownEvent} into an end-of-input marker
 * <em>message</em>. Going through the read path keeps it behind every byte read before it, also while the socket is
 * paused (Vert.x holds messages read while paused and user events would overtake them). {@link #shutdownOutput()}
 * sends our FIN through {@link DuplexChannel}.
 *
 * <p>Call {@link #install} on the socket's event loop, in the connect handler, before any byte is read.
 */
final class HalfCloseSocket {
    private static final Object END_OF_INPUT = new Object();
    private static final String HANDLER_NAME = "burrow-half-close";

    private final NetSocketInternal socket;
    private final Channel channel;

    private HalfCloseSocket(NetSocketInternal socket) {
        this.socket = socket;
        this.channel = socket.channelHandlerContext().channel();
    }

    static HalfCloseSocket install(NetSocket socket, Handler<Buffer> dataHandler, Runnable inputEnded) {
        HalfCloseSocket halfClose = new HalfCloseSocket((NetSocketInternal) socket);
        ChannelHandlerContext vertxHandler = halfClose.socket.channelHandlerContext();
        halfClose.channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        halfClose.channel.pipeline().addBefore(vertxHandler.name(), HANDLER_NAME, new InputShutdownAsMessage());
        halfClose.socket.messageHandler(message -> {
            if (message == END_OF_INPUT) {
                inputEnded.run();
            } else if (message instanceof ByteBuf bytes) {
                dataHandler.handle(BufferInternal.safeBuffer(bytes));
            } else {
                ReferenceCountUtil.release(message);
            }
        });
        halfClose.socket.eventHandler(event -> {
            if (event instanceof ShutdownEvent) {
                halfClose.socket.close();
            }
            ReferenceCountUtil.release(event);
        });
        return halfClose;
    }

    /** Sends FIN (after what is already queued in the channel); keeps reading. Closes when half-close is unsupported. */
    Future<Void> shutdownOutput() {
        Promise<Void> promise = Promise.promise();
        if (channel instanceof DuplexChannel duplex) {
            duplex.shutdownOutput().addListener(f -> {
                if (f.isSuccess()) {
                    promise.tryComplete();
                } else {
                    promise.tryFail(f.cause());
                }
            });
        } else {
            socket.close().onComplete(promise);
        }
        return promise.future();
    }

    /** Turns the input-shutdown user event into an in-order message for Vert.x's read path. */
    private static final class InputShutdownAsMessage extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
            if (event instanceof ChannelInputShutdownEvent) {
                ctx.fireChannelRead(END_OF_INPUT);
                ctx.fireChannelReadComplete();
            } else {
                super.userEventTriggered(ctx, event);
            }
        }
    }
}
