package dev.burrow.edge.http;

import dev.burrow.edge.config.PublicHttpLimits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.FastThreadLocal;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Vert.x's HTTP/1 request decoder, given each request head only once it has arrived whole and passed the
 * {@link RequestHeadValidator} on its raw bytes (before Netty joins folded lines or drops a Content-Length beside
 * Transfer-Encoding). A refused head is answered here, the connection closed, and nothing after it decoded: Vert.x,
 * the agent and the upstream never see it. Body framing stays Netty's, so the next head starts exactly where Netty
 * ends the body; the body's pieces are counted and joined ({@link RequestBodyPieces}). Also owns the connection's
 * {@link ConnectionDeadlines}.
 * <p>
 * A connection whose first bytes are the HTTP/2 connection preface (h2c with prior knowledge) is handed over whole, the
 * preface included, to {@code h2c} when one is given (the h2c server behind a loopback hop, {@link H2cHandOff});
 * without one, its {@code PRI * HTTP/2.0} request line gets 505 like any other version.
 * <p>
 * One per connection, on its event loop.
 */
final class GuardedRequestDecoder extends VertxHttpRequestDecoder {
    /** How long a refused client may go on sending (read and dropped) before the socket closes, so it reads the answer. */
    private static final long LINGER_MILLIS = 2_000;
    /** Where a head in a direct buffer is copied for validation; one per event loop, grown to the largest head seen. */
    private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[4096];
        }
    };

    /** RFC 9113 section 3.4: what a client with prior knowledge of HTTP/2 sends first. */
    private static final byte[] HTTP2_PREFACE =
            "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final RequestHeadValidator validator;
    private final RefusalLog log;
    private final PublicHttpLimits limits;
    private final int maxHeadBytes;
    private ConnectionDeadlines deadlines;
    private ChannelHandlerContext ctx;
    private boolean awaitingHead = true;
    /** Bytes after the reader index already searched for the end of the head. */
    private int scanned;
    private int inFlight;
    private boolean refused;
    /** Out of the pipeline (an upgrade made the connection a byte pipe): nothing here applies any more. */
    private boolean removed;
    private HeadRefusal pendingRefusal;
    private final RequestBodyPieces bodyPieces = new RequestBodyPieces();
    /** Why the body of the request in flight was refused; null while none was. */
    private HeadRefusal bodyRefusal;
    /** Told when the body of the request being served is refused; one per exchange, null between them. */
    private java.util.function.Consumer<HeadRefusal> bodyRefusalListener;
    /** Takes over a connection that starts with the HTTP/2 preface; null: such a connection gets 505. */
    private final java.util.function.Consumer<ByteBuf> h2c;
    /** No byte of the connection has been decoded yet: its first bytes may still be the HTTP/2 preface. */
    private boolean connectionStart = true;
    /** The connection's bytes so far, preface first, once it is being handed to {@link #h2c}; null before. */
    private ByteBuf handedOver;

    GuardedRequestDecoder(HttpServerOptions options, RequestHeadValidator validator, PublicHttpLimits limits, RefusalLog log) {
        this(options, validator, limits, log, null);
    }

    /** With {@code h2c}: a connection that starts with the HTTP/2 preface is given to it (with its bytes so far). */
    GuardedRequestDecoder(HttpServerOptions options, RequestHeadValidator validator, PublicHttpLimits limits, RefusalLog log,
                          java.util.function.Consumer<ByteBuf> h2c) {
        super(options);
        this.h2c = h2c;
        this.validator = validator;
        this.limits = limits;
        this.log = log;
        this.maxHeadBytes = options.getMaxInitialLineLength() + options.getMaxHeaderSize();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        super.handlerAdded(ctx);
        this.ctx = ctx;
        deadlines = new ConnectionDeadlines(ctx.executor(), limits.headTimeout(), limits.idleTimeout(), this::expired);
        deadlines.awaitHead();
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
        // Removed on an upgrade or an h2c hand-over (the connection becomes a byte pipe) or at close.
        removed = true;
        deadlines.stop();
        if (handedOver != null) {
            handedOver.release();
            handedOver = null;
        }
        super.handlerRemoved0(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        deadlines.stop();
        super.channelInactive(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (refused) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (connectionStart && h2c != null && !admitConnection(ctx, in)) {
            return;
        }
        if (awaitingHead && !admitHead(in)) {
            return;
        }
        int first = out.size();
        decodeWhileBodyGoesOn(ctx, in, out);
        if (refused) {
            RequestBodyPieces.drop(out, first);
        } else {
            RequestBodyPieces.join(out, first);
        }
    }

    /**
     * Netty's decoder yields at most one chunk per call: it is called again while the body goes on in what was read, so
     * that the pieces of one read can be joined into one. Counts the pieces, and stops at the body's end (the next head
     * is admitted first) or when the pieces are too many ({@link #refuseBody}).
     */
    private void decodeWhileBodyGoesOn(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        while (true) {
            int readable = in.readableBytes();
            int produced = out.size();
            super.decode(ctx, in, out);
            for (int i = produced; i < out.size(); i++) {
                Object message = out.get(i);
                if (message instanceof LastHttpContent) {
                    awaitingHead = true;
                } else if (message instanceof io.netty.handler.codec.http.HttpRequest) {
                    bodyPieces.headArrived();
                } else if (RequestBodyPieces.isPiece(message) && ((HttpContent) message).content().isReadable()
                        && !bodyPieces.take(((HttpContent) message).content().readableBytes())) {
                    refuseBody(in);
                    return;
                }
            }
            if (awaitingHead || !in.isReadable() || in.readableBytes() == readable) {
                return;
            }
        }
    }

    /**
     * At the connection's start: whether it speaks HTTP/1 (go on decoding); false while its bytes so far are a prefix of
     * the HTTP/2 preface (wait for more), or once they are the whole preface (handed over to {@link #h2c}).
     */
    private boolean admitConnection(ChannelHandlerContext ctx, ByteBuf in) {
        if (handedOver != null) {
            handedOver = Unpooled.wrappedBuffer(handedOver, in.readRetainedSlice(in.readableBytes()));
            return false;
        }
        int compared = Math.min(in.readableBytes(), HTTP2_PREFACE.length);
        for (int i = 0; i < compared; i++) {
            if (in.getByte(in.readerIndex() + i) != HTTP2_PREFACE[i]) {
                connectionStart = false;
                return true;
            }
        }
        if (compared < HTTP2_PREFACE.length) {
            return false;
        }
        // The pipeline changes outside decode; nothing more is read until the connection is a socket on the hop.
        deadlines.stop();
        ctx.channel().config().setAutoRead(false);
        handedOver = in.readRetainedSlice(in.readableBytes());
        ctx.executor().execute(() -> {
            ByteBuf bytes = handedOver;
            handedOver = null;
            if (bytes != null) {
                h2c.accept(bytes);
            }
        });
        return false;
    }

    /** Whether a whole, valid head is at the reader index; refuses it otherwise, or waits for more bytes. */
    private boolean admitHead(ByteBuf in) {
        skipEmptyLines(in);
        if (!in.isReadable()) {
            return false;
        }
        deadlines.awaitHead();
        int end = headEnd(in);
        if (end == -2) {
            refuse(in, HeadRefusal.badRequest("bare LF", "the request head has a line ended by LF alone, not CRLF"));
            return false;
        }
        if (end < 0) {
            if (in.readableBytes() > maxHeadBytes) {
                refuse(in, new HeadRefusal(431, "head too large", "the request head is larger than " + maxHeadBytes + " bytes"));
            }
            return false;
        }
        HeadRefusal refusal = validate(in, end);
        if (refusal != null) {
            refuse(in, refusal);
            return false;
        }
        scanned = 0;
        awaitingHead = false;
        inFlight++;
        deadlines.stop();
        return true;
    }

    private HeadRefusal validate(ByteBuf in, int end) {
        if (in.hasArray()) {
            int offset = in.arrayOffset();
            return validator.check(in.array(), offset + in.readerIndex(), offset + end);
        }
        int length = end - in.readerIndex();
        byte[] scratch = SCRATCH.get();
        if (scratch.length < length) {
            scratch = new byte[Math.max(length, scratch.length * 2)];
            SCRATCH.set(scratch);
        }
        in.getBytes(in.readerIndex(), scratch, 0, length);
        return validator.check(scratch, 0, length);
    }

    /** RFC 9112 section 2.2: empty lines before a request line are ignored. */
    private void skipEmptyLines(ByteBuf in) {
        while (in.readableBytes() >= 2 && in.getByte(in.readerIndex()) == '\r' && in.getByte(in.readerIndex() + 1) == '\n') {
            in.skipBytes(2);
            scanned = 0;
        }
    }

    /** The index after the head's empty line, -1 while it has not come, -2 at a bare LF. */
    private int headEnd(ByteBuf in) {
        int start = in.readerIndex();
        int end = in.writerIndex();
        int from = start + scanned;
        while (true) {
            int lf = in.indexOf(from, end, (byte) '\n');
            if (lf < 0) {
                scanned = end - start;
                return -1;
            }
            if (lf == start || in.getByte(lf - 1) != '\r') {
                return -2;
            }
            if (lf - start >= 3 && in.getByte(lf - 2) == '\n') {
                return lf + 1;
            }
            from = lf + 1;
        }
    }

    /**
     * An exchange of this connection started: {@code onBodyRefused} is told if its request body is refused (at once if it
     * already was), until {@link #responseEnded} with the same listener. On the event loop.
     */
    void exchangeStarted(java.util.function.Consumer<HeadRefusal> onBodyRefused) {
        bodyRefusalListener = onBodyRefused;
        if (bodyRefusal != null && inFlight == 1) {
            onBodyRefused.accept(bodyRefusal);
        }
    }

    /** The response to a request of this connection has ended (the exchange's {@code onBodyRefused}); on the event loop. */
    void responseEnded(java.util.function.Consumer<HeadRefusal> onBodyRefused) {
        if (bodyRefusalListener == onBodyRefused) {
            bodyRefusalListener = null;
        }
        responseEnded();
    }

    /** The response to a request of this connection has ended; on the event loop. */
    void responseEnded() {
        inFlight = Math.max(0, inFlight - 1);
        if (inFlight > 0 || removed) {
            return;
        }
        if (pendingRefusal != null) {
            answerAndClose(pendingRefusal);
        } else if (awaitingHead && !refused && internalBuffer().readableBytes() == 0) {
            deadlines.awaitNextRequest();
        }
    }

    /**
     * The request body came in too many small pieces ({@link RequestBodyPieces}): nothing more is decoded, what arrives is
     * dropped before any TLS ({@link LingeringClose}), and the exchange serving the request answers 400 and closes, or
     * breaks off its response if that started. A request that waits behind others of a pipeline closes the connection.
     * Closed at the latest {@link #LINGER_MILLIS} after, whatever the exchange does.
     */
    private void refuseBody(ByteBuf in) {
        refused = true;
        in.skipBytes(in.readableBytes());
        deadlines.stop();
        bodyRefusal = RequestBodyPieces.refusal();
        log.refused(ctx.channel().remoteAddress(), bodyRefusal.status(), bodyRefusal.reason());
        io.netty.channel.Channel channel = ctx.channel();
        if (ctx.pipeline().get(LingeringClose.NAME) == null) {
            LingeringClose lingering = new LingeringClose();
            ctx.pipeline().addFirst(LingeringClose.NAME, lingering);
            lingering.arm(channel);
        }
        // Once Vert.x has what this read already yielded (the request itself, when it came in the same read).
        ctx.executor().execute(() -> {
            if (inFlight > 1) {
                channel.close();
            } else if (bodyRefusalListener != null) {
                bodyRefusalListener.accept(bodyRefusal);
            }
        });
        channel.eventLoop().schedule(() -> channel.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void refuse(ByteBuf in, HeadRefusal refusal) {
        refused = true;
        in.skipBytes(in.readableBytes());
        deadlines.stop();
        log.refused(ctx.channel().remoteAddress(), refusal.status(), refusal.reason());
        if (inFlight == 0) {
            answerAndClose(refusal);
        } else {
            pendingRefusal = refusal;
        }
    }

    private void expired(ConnectionDeadlines.Kind kind) {
        boolean partialHead = kind == ConnectionDeadlines.Kind.HEAD && internalBuffer().isReadable();
        refused = true;
        if (partialHead && inFlight == 0) {
            HeadRefusal timeout = new HeadRefusal(408, "head timeout", "the request head did not arrive whole within "
                    + dev.burrow.edge.config.DurationText.format(limits.headTimeout()) + " (--http-head-timeout)");
            log.refused(ctx.channel().remoteAddress(), timeout.status(), timeout.reason());
            answerAndClose(timeout);
        } else {
            ctx.close();
        }
    }

    /**
     * Writes the page, then half-closes and drops what the client still sends for a moment before closing, so that
     * unread request bytes do not turn the close into a reset that destroys the answer.
     */
    private void answerAndClose(HeadRefusal refusal) {
        pendingRefusal = null;
        ByteBuf page = Unpooled.wrappedBuffer(ErrorPages.rawClosing(refusal.status(), refusal.phrase(), refusal.sentence()));
        ctx.writeAndFlush(page).addListener((ChannelFutureListener) written -> {
            if (written.isSuccess() && written.channel() instanceof DuplexChannel duplex) {
                duplex.shutdownOutput();
                written.channel().eventLoop().schedule(() -> written.channel().close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
            } else {
                written.channel().close();
            }
        });
    }
}
