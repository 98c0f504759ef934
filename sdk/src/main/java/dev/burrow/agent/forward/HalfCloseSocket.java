package dev.burrow.agent.forward;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;

import java.util.ArrayDeque;

/**
 * A TCP socket with half-close, which Vert.x's {@link NetSocket} lacks (its {@code end()} closes both ways and
 * a peer's FIN closes the socket). Reading: the peer's FIN becomes {@link #endHandler} after every byte before it;
 * the socket stays open for writing. Writing: {@link #end()} sends FIN once the bytes written so far are on the
 * wire ({@code shutdownOutput}), after a TLS close_notify on a TLS socket; the socket closes when both directions
 * have ended.
 *
 * <p>How: {@code ALLOW_HALF_CLOSURE} on the Netty channel, raw messages taken through
 * {@link NetSocketInternal#messageHandler} into a small queue here (so the FIN event cannot overtake bytes still
 * queued), and the channel's auto-read switched off while the reader is paused, which bounds memory.
 * State is confined to the socket's event loop; methods called from elsewhere hop onto it.
 */
public final class HalfCloseSocket implements ReadStream<Buffer>, WriteStream<Buffer> {
    private final NetSocketInternal socket;
    private final Channel channel;
    private final ArrayDeque<Buffer> queue = new ArrayDeque<>();
    private final Promise<Void> closed = Promise.promise();
    private Handler<Buffer> handler;
    private Handler<Void> endHandler;
    private Handler<Throwable> exceptionHandler;
    private long demand = Long.MAX_VALUE;
    private boolean inputEnded;
    private boolean endDelivered;
    private boolean outputEnded;
    private boolean outputShut;
    private Future<Void> lastWrite = Future.succeededFuture();

    private HalfCloseSocket(NetSocketInternal socket) {
        this.socket = socket;
        this.channel = socket.channelHandlerContext().channel();
    }

    /** Wraps a freshly connected socket; call on its event loop (in the connect callback), before any read. */
    public static HalfCloseSocket wrap(NetSocket netSocket) {
        HalfCloseSocket wrapped = new HalfCloseSocket((NetSocketInternal) netSocket);
        wrapped.install();
        return wrapped;
    }

    private void install() {
        channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        socket.messageHandler(this::onMessage);
        socket.eventHandler(this::onEvent);
        socket.exceptionHandler(failure -> {
            Handler<Throwable> h = exceptionHandler;
            if (h != null) {
                h.handle(failure);
            }
        });
        socket.closeHandler(v -> onClosed());
    }

    private void onMessage(Object message) {
        if (!(message instanceof ByteBuf byteBuf)) {
            ReferenceCountUtil.release(message);
            return;
        }
        queue.add(BufferInternal.safeBuffer(byteBuf));
        drain();
    }

    private void onEvent(Object event) {
        // On TLS the peer's close_notify ends its input as its FIN does: nothing may follow it (a client may send no FIN).
        if (event instanceof ChannelInputShutdownEvent || event instanceof SslCloseCompletionEvent) {
            inputEnded = true;
            drain();
        } else {
            ReferenceCountUtil.release(event);
        }
    }

    private void onClosed() {
        inputEnded = true;
        drain();
        closed.tryComplete();
    }

    private void drain() {
        while (demand > 0 && handler != null && !queue.isEmpty()) {
            Buffer data = queue.poll();
            if (demand != Long.MAX_VALUE) {
                demand--;
            }
            Handler<Buffer> h = handler;
            if (h != null) {
                h.handle(data);
            }
        }
        if (inputEnded && queue.isEmpty() && demand > 0 && endHandler != null && !endDelivered) {
            endDelivered = true;
            Handler<Void> h = endHandler;
            if (h != null) {
                h.handle(null);
            }
            closeIfBothEnded();
        }
        // Nothing is read while the reader is paused (bounded memory); after the FIN reading stays on so that a
        // reset or close by the peer is still noticed.
        boolean wantBytes = inputEnded || (demand > 0 && handler != null && queue.isEmpty());
        if (channel.config().isAutoRead() != wantBytes && channel.isOpen()) {
            channel.config().setAutoRead(wantBytes);
        }
    }

    private void onLoop(Runnable task) {
        if (channel.eventLoop().inEventLoop()) {
            task.run();
        } else {
            channel.eventLoop().execute(task);
        }
    }

    @Override
    public HalfCloseSocket handler(Handler<Buffer> handler) {
        onLoop(() -> {
            this.handler = handler;
            drain();
        });
        return this;
    }

    @Override
    public HalfCloseSocket endHandler(Handler<Void> endHandler) {
        onLoop(() -> {
            this.endHandler = endHandler;
            drain();
        });
        return this;
    }

    @Override
    public HalfCloseSocket exceptionHandler(Handler<Throwable> handler) {
        this.exceptionHandler = handler;
        return this;
    }

    @Override
    public HalfCloseSocket pause() {
        onLoop(() -> {
            demand = 0;
            drain();
        });
        return this;
    }

    @Override
    public HalfCloseSocket resume() {
        return fetch(Long.MAX_VALUE);
    }

    @Override
    public HalfCloseSocket fetch(long amount) {
        onLoop(() -> {
            demand = demand + amount < 0 ? Long.MAX_VALUE : demand + amount;
            drain();
        });
        return this;
    }

    @Override
    public Future<Void> write(Buffer data) {
        Future<Void> written = socket.write(data);
        lastWrite = written;
        return written;
    }

    /** Half-closes: sends FIN (after close_notify on TLS) after the bytes already written; reading goes on. */
    @Override
    public Future<Void> end() {
        Promise<Void> done = Promise.promise();
        Future<Void> pending = lastWrite;
        onLoop(() -> {
            if (outputEnded) {
                done.complete();
                return;
            }
            outputEnded = true;
            pending.onComplete(ar -> onLoop(() -> {
                if (channel.isOpen() && channel instanceof DuplexChannel duplex) {
                    closeNotify().addListener(notified -> duplex.shutdownOutput().addListener(f -> onLoop(() -> {
                        outputShut = true;
                        closeIfBothEnded();
                        done.complete();
                    })));
                } else {
                    outputShut = true;
                    closeIfBothEnded();
                    done.complete();
                }
            }));
        });
        return done.future();
    }

    /**
     * On a TLS socket, the close_notify that ends this direction of the TLS session (so that the peer reads a clean
     * end, not a truncation); on a plain one, nothing to send.
     */
    private io.netty.channel.ChannelFuture closeNotify() {
        SslHandler tls = channel.pipeline().get(SslHandler.class);
        return tls == null ? channel.newSucceededFuture() : tls.closeOutbound();
    }

    private void closeIfBothEnded() {
        if (endDelivered && outputShut) {
            socket.close();
        }
    }

    @Override
    public HalfCloseSocket setWriteQueueMaxSize(int maxSize) {
        socket.setWriteQueueMaxSize(maxSize);
        return this;
    }

    @Override
    public boolean writeQueueFull() {
        return socket.writeQueueFull();
    }

    @Override
    public HalfCloseSocket drainHandler(Handler<Void> handler) {
        socket.drainHandler(handler);
        return this;
    }

    /** Closes both directions at once (for failures). */
    public Future<Void> close() {
        return socket.close();
    }

    /** Completes when the socket is closed. */
    public Future<Void> closed() {
        return closed.future();
    }

    /** Whether this end has sent its FIN. */
    public boolean outputShutdown() {
        return outputShut;
    }
}
