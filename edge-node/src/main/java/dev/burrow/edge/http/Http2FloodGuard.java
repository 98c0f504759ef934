package dev.burrow.edge.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Flags;
import io.netty.handler.codec.http2.Http2FrameListener;
import io.netty.handler.codec.http2.Http2FrameListenerDecorator;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.util.ReferenceCountUtil;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Cuts off an HTTP/2 connection that floods the edge with frames that carry no request, each of which costs a little CPU
 * and none of which Netty bounds: SETTINGS (each needing an acknowledgement), PING, WINDOW_UPDATE, PRIORITY, frames of
 * unknown type, acknowledgements nobody asked for (CVE-2019-9512, -9515, -9518), within a {@link FrameBudget}; DATA
 * frames that carry next to nothing (a body sent a byte at a time), within a budget of their own that the bytes they
 * carry earn back; and bytes that never become a frame the HTTP/2 layer sees, which is what a header block fed with
 * empty CONTINUATION frames is (the 2024 CONTINUATION flood), within {@link Http2Limits#MAX_BYTES_WITHOUT_A_FRAME}. The
 * client gets GOAWAY {@code ENHANCE_YOUR_CALM}, what it sends after is read and dropped ({@link LingeringClose}), and the
 * connection is ended with a FIN once the GOAWAY is written, closed when the client closes or at the latest
 * {@link Http2Limits#GOAWAY_CLOSE_GRACE} after.
 * <p>
 * Vert.x gives no place before its HTTP/2 codec is built, so the guard is put in front of the codec once the connection
 * is handed over (after the client's first SETTINGS frame): it counts the bytes going in, and a decorator of the codec's
 * frame listener counts the frames coming out. Rapid reset and empty DATA frames are Netty's own limits. One per
 * connection, on its event loop.
 */
final class Http2FloodGuard extends ChannelDuplexHandler {
    static final String NAME = "burrowHttp2FloodGuard";

    private final Http2ConnectionHandler codec;
    private final FrameBudget overheadFrames;
    private final FrameBudget dataFrames;
    private final Object client;
    private final RefusalLog log;
    private ChannelHandlerContext ctx;
    private long bytesWithoutAFrame;
    private boolean cut;

    private final LingeringClose lingeringClose;

    private Http2FloodGuard(Http2ConnectionHandler codec, Object client, RefusalLog log, LingeringClose lingeringClose) {
        this.codec = codec;
        this.lingeringClose = lingeringClose;
        this.client = client;
        this.log = log;
        long now = System.nanoTime();
        this.overheadFrames = new FrameBudget(Http2Limits.OVERHEAD_FRAME_BURST, Http2Limits.OVERHEAD_FRAMES_PER_SECOND,
                Http2Limits.BYTES_SENT_PER_OVERHEAD_FRAME, now);
        this.dataFrames = new FrameBudget(Http2Limits.DATA_FRAME_BURST, Http2Limits.DATA_FRAMES_PER_SECOND,
                Http2Limits.DATA_BYTES_PER_FRAME, now);
    }

    /** Guards the connection whose HTTP/2 codec is {@code codec}; on its event loop. {@code client} names it in the log. */
    static void install(ChannelPipeline pipeline, Http2ConnectionHandler codec, Object client, RefusalLog log) {
        LingeringClose lingeringClose = new LingeringClose();
        pipeline.addFirst(LingeringClose.NAME, lingeringClose);
        Http2FloodGuard guard = new Http2FloodGuard(codec, client, log, lingeringClose);
        pipeline.addBefore(pipeline.context(codec).name(), NAME, guard);
        Http2ConnectionDecoder decoder = codec.decoder();
        decoder.frameListener(guard.new FrameCounter(decoder.frameListener()));
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (cut) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof ByteBuf bytes) {
            bytesWithoutAFrame += bytes.readableBytes();
            if (bytesWithoutAFrame > Http2Limits.MAX_BYTES_WITHOUT_A_FRAME) {
                bytes.release();
                Http2Exception cause = cutOff("over " + Http2Limits.MAX_BYTES_WITHOUT_A_FRAME
                        + " bytes without a frame reaching the HTTP/2 layer (a header block that never ends, or frames on closed streams)");
                codec.onError(ctx.pipeline().context(codec), false, cause);
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf bytes) {
            overheadFrames.earn(bytes.readableBytes());
        }
        ctx.write(msg, promise);
    }

    /** A frame reached the HTTP/2 layer. */
    private void frameArrived() {
        bytesWithoutAFrame = 0;
    }

    /** A frame that carries no request: false once the connection is cut (the frame is then dropped). */
    private boolean overhead(String kind) throws Http2Exception {
        frameArrived();
        if (cut) {
            return false;
        }
        if (!overheadFrames.take(System.nanoTime())) {
            throw cutOff("too many " + kind + " frames (over " + Http2Limits.OVERHEAD_FRAME_BURST + " at once, then "
                    + Http2Limits.OVERHEAD_FRAMES_PER_SECOND + " a second, of frames that carry no request)");
        }
        return true;
    }

    /**
     * A DATA frame that carries {@code bytes} (at least one) and does not end its stream: false once the connection is
     * cut (the frame is then dropped).
     */
    private boolean bodyPart(int bytes) throws Http2Exception {
        frameArrived();
        if (cut) {
            return false;
        }
        dataFrames.earn(bytes);
        if (!dataFrames.take(System.nanoTime())) {
            throw cutOff("too many small DATA frames (over " + Http2Limits.DATA_FRAME_BURST + " at once, then "
                    + Http2Limits.DATA_FRAMES_PER_SECOND + " a second, beyond one for every " + Http2Limits.DATA_BYTES_PER_FRAME
                    + " bytes of body they carry)");
        }
        return true;
    }

    /** Drops what arrives from now on, makes sure the connection closes soon, and returns the error whose GOAWAY the codec sends. */
    private Http2Exception cutOff(String reason) {
        cut = true;
        Channel channel = ctx.channel();
        lingeringClose.arm(channel);
        log.refused(client, "HTTP/2 GOAWAY ENHANCE_YOUR_CALM", reason);
        closeWithin(channel, Http2Limits.GOAWAY_CLOSE_GRACE);
        return Http2Exception.connectionError(Http2Error.ENHANCE_YOUR_CALM, "%s", reason);
    }

    /**
     * Closes {@code channel} abortively (a TCP reset, past every handler, TLS included) unless it is closed within
     * {@code grace}: a client that reads nothing would otherwise hold its GOAWAY, and the connection, in the edge's buffers.
     */
    static void closeWithin(Channel channel, Duration grace) {
        channel.eventLoop().schedule(() -> {
            if (channel.isOpen()) {
                channel.config().setOption(ChannelOption.SO_LINGER, 0);
                channel.pipeline().firstContext().close();
            }
        }, grace.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Counts the frames the codec decoded, on their way to Vert.x. */
    private final class FrameCounter extends Http2FrameListenerDecorator {
        FrameCounter(Http2FrameListener listener) {
            super(listener);
        }

        @Override
        public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream)
                throws Http2Exception {
            // A frame that ends its stream ends what its stream can send: bounded by the streams, not counted.
            if (endOfStream) {
                frameArrived();
            } else if (!data.isReadable() && !overhead("empty DATA")) {
                return padding;
            } else if (data.isReadable() && !bodyPart(data.readableBytes())) {
                return data.readableBytes() + padding;
            }
            return super.onDataRead(ctx, streamId, data, padding, endOfStream);
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding, boolean endStream)
                throws Http2Exception {
            frameArrived();
            overheadFrames.earnOne();
            super.onHeadersRead(ctx, streamId, headers, padding, endStream);
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int streamDependency,
                                  short weight, boolean exclusive, int padding, boolean endStream) throws Http2Exception {
            frameArrived();
            overheadFrames.earnOne();
            super.onHeadersRead(ctx, streamId, headers, streamDependency, weight, exclusive, padding, endStream);
        }

        @Override
        public void onPriorityRead(ChannelHandlerContext ctx, int streamId, int streamDependency, short weight, boolean exclusive)
                throws Http2Exception {
            if (overhead("PRIORITY")) {
                super.onPriorityRead(ctx, streamId, streamDependency, weight, exclusive);
            }
        }

        @Override
        public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) throws Http2Exception {
            // Counted by Netty's own rapid-reset limit (Http2Limits.MAX_RESETS_PER_WINDOW).
            frameArrived();
            super.onRstStreamRead(ctx, streamId, errorCode);
        }

        @Override
        public void onSettingsAckRead(ChannelHandlerContext ctx) throws Http2Exception {
            if (overhead("SETTINGS acknowledgement")) {
                super.onSettingsAckRead(ctx);
            }
        }

        @Override
        public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) throws Http2Exception {
            if (overhead("SETTINGS")) {
                super.onSettingsRead(ctx, settings);
            }
        }

        @Override
        public void onPingRead(ChannelHandlerContext ctx, long data) throws Http2Exception {
            if (overhead("PING")) {
                super.onPingRead(ctx, data);
            }
        }

        @Override
        public void onPingAckRead(ChannelHandlerContext ctx, long data) throws Http2Exception {
            if (overhead("PING acknowledgement")) {
                super.onPingAckRead(ctx, data);
            }
        }

        @Override
        public void onPushPromiseRead(ChannelHandlerContext ctx, int streamId, int promisedStreamId, Http2Headers headers,
                                      int padding) throws Http2Exception {
            frameArrived();
            super.onPushPromiseRead(ctx, streamId, promisedStreamId, headers, padding);
        }

        @Override
        public void onGoAwayRead(ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData)
                throws Http2Exception {
            if (overhead("GOAWAY")) {
                super.onGoAwayRead(ctx, lastStreamId, errorCode, debugData);
            }
        }

        @Override
        public void onWindowUpdateRead(ChannelHandlerContext ctx, int streamId, int windowSizeIncrement) throws Http2Exception {
            if (overhead("WINDOW_UPDATE")) {
                super.onWindowUpdateRead(ctx, streamId, windowSizeIncrement);
            }
        }

        @Override
        public void onUnknownFrame(ChannelHandlerContext ctx, byte frameType, int streamId, Http2Flags flags, ByteBuf payload)
                throws Http2Exception {
            if (overhead("unknown-type")) {
                super.onUnknownFrame(ctx, frameType, streamId, flags, payload);
            }
        }
    }
}
