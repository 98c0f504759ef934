package dev.burrow.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.IntPredicate;

/**
 * Incremental decoder for one link: feed it bytes as they arrive, it emits whole frames.
 *
 * <p>It checks everything that can be checked without stream state: the preface, the length limit, the
 * frame type, which stream a type may use, and the fixed payload sizes. The first violation throws a
 * {@link ProtocolException} and leaves the decoder failed: every later call throws the same exception, so a
 * link can never resume after garbage. Stream-level rules (data on a stream never opened, window overflow)
 * belong to the multiplexer.
 *
 * <p>A payload that arrived whole is copied exactly once, from the received buffer straight into a heap buffer
 * of its exact size, which the emitted {@link Frame} then owns: nothing points into the caller's buffer after
 * {@link #feed(ByteBuf, Consumer)} returns (the link can release a pooled read at once). A payload split across
 * reads is completed in place in a buffer that grows with what arrived, at most to the declared length: the declared
 * length is the peer's word, and a header alone must not make the decoder reserve memory the peer never sent (64 KiB
 * or a megabyte per connection, before the handshake is even done). The one exception is a DATA frame for a stream the
 * receiver has open ({@link #reservesAheadFor}), whose window already lets the peer send that much: its buffer starts at
 * up to {@link #SPLIT_PAYLOAD_START} (a DATA frame as peers send it, so never regrown). Only a split header (at most 10
 * bytes) or preface is held in a small array.
 */
public final class FrameDecoder {
    private static final int HEADER = ProtocolLimits.FRAME_HEADER_SIZE;
    /**
     * The most a split DATA payload's buffer starts with, on a stream the receiver has open, when fewer bytes arrived
     * with its header: a whole DATA frame as peers cut them, so that the frame that carries nearly every byte of a download (64 KiB, spread over four or more
     * TLS records) gets its buffer once, not a 16 KiB one grown twice (48 KiB copied again, 112 KiB allocated per frame).
     */
    static final int SPLIT_PAYLOAD_START = ProtocolLimits.MAX_DATA_PAYLOAD;

    private final int maxPayload;
    private final byte[] preface = new byte[ProtocolLimits.PREFACE.length];
    private int prefaceFill;
    private boolean prefaceSeen;
    /** The header being read when it arrived split; {@code headerFill} bytes of it so far. */
    private final ByteBuf header = Unpooled.wrappedBuffer(new byte[HEADER]);
    private int headerFill;
    /** The frame whose header was read and whose payload is still arriving; null between frames. */
    private FrameType type;
    private int flags;
    private int streamId;
    private ByteBuf payload;
    private boolean payloadPooled;
    private int payloadLength;
    private ProtocolException failure;
    /** Where DATA payloads of the streams {@link #pooledStreams} names go; null: every payload on the heap. */
    private ByteBufAllocator pooledAllocator;
    private IntPredicate pooledStreams;
    /** Streams whose DATA gets its buffer ahead of its bytes; none until {@link #reservesAheadFor} says otherwise. */
    private IntPredicate openStreams = streamId -> false;

    /**
     * @param expectPreface whether the first bytes must be {@link ProtocolLimits#PREFACE}
     * @param maxPayload    the largest payload accepted, at most {@link ProtocolLimits#MAX_FRAME_PAYLOAD}
     */
    public FrameDecoder(boolean expectPreface, int maxPayload) {
        this.prefaceSeen = !expectPreface;
        this.maxPayload = maxPayload;
    }

    public FrameDecoder() {
        this(true, ProtocolLimits.MAX_FRAME_PAYLOAD);
    }

    /**
     * From now on, the payload of a DATA frame for a stream that {@code streams} accepts (asked when the frame's header
     * is read) is copied into pooled direct memory from {@code allocator} instead of the heap: the emitted frame then
     * owns it, and whoever takes the frame must give it back ({@link PooledPayloads#release(Buffer)}).
     */
    public void pooledDataPayloads(ByteBufAllocator allocator, IntPredicate streams) {
        this.pooledAllocator = allocator;
        this.pooledStreams = streams;
    }

    /**
     * From now on, a split DATA payload for a stream that {@code streams} accepts (asked when the frame's header is read:
     * a stream the receiver has open, whose receive window lets the peer send that much anyway) gets a buffer of up to
     * {@link #SPLIT_PAYLOAD_START} at once, so that a bulk transfer's frames are not regrown as their reads arrive.
     */
    public void reservesAheadFor(IntPredicate streams) {
        this.openStreams = streams;
    }

    /** Gives back the payload of a frame still arriving, if it is pooled; call when the link closes. */
    public void discard() {
        if (payload != null && payloadPooled) {
            PooledPayloads.release(payload);
        }
        payload = null;
    }

    /** Consumes {@code chunk} and hands every complete frame to {@code sink}, in order. */
    public void feed(Buffer chunk, Consumer<Frame> sink) throws ProtocolException {
        feed(((BufferInternal) chunk).getByteBuf(), sink);
    }

    /**
     * Consumes the readable bytes of {@code chunk} (its reader index moves to its writer index) and hands every
     * complete frame to {@code sink}, in order. The caller keeps ownership of {@code chunk}: it is neither
     * retained nor released, and no emitted payload refers to it.
     */
    public void feed(ByteBuf chunk, Consumer<Frame> sink) throws ProtocolException {
        if (failure != null) {
            throw failure;
        }
        try {
            if (!prefaceSeen && !readPreface(chunk)) {
                return;
            }
            while (readHeader(chunk) && readPayload(chunk)) {
                Frame frame = new Frame(type, flags, streamId, BufferInternal.buffer(payload));
                payload = null;
                headerFill = 0;
                checkPayload(frame);
                sink.accept(frame);
            }
        } catch (ProtocolException e) {
            failure = e;
            discard();
            headerFill = 0;
            prefaceFill = 0;
            throw e;
        }
    }

    /** Bytes received but not yet part of a complete frame. */
    public int bufferedBytes() {
        return (prefaceSeen ? 0 : prefaceFill) + headerFill + (payload == null ? 0 : payload.writerIndex());
    }

    /** Memory held for the frame in progress: its payload buffer's capacity (the fixed header and preface aside). */
    public int reservedBytes() {
        return payload == null ? 0 : payload.capacity();
    }

    /** Reads the current frame's header, whole from {@code in} when it can; false when {@code in} ran out first. */
    private boolean readHeader(ByteBuf in) throws ProtocolException {
        if (payload != null) {
            return true;
        }
        if (headerFill == 0 && in.readableBytes() >= HEADER) {
            startFrame(in, in.readerIndex(), in.readableBytes() - HEADER);
            in.skipBytes(HEADER);
            return true;
        }
        int take = Math.min(HEADER - headerFill, in.readableBytes());
        if (take == 0) {
            return false;
        }
        in.readBytes(header.array(), headerFill, take);
        headerFill += take;
        if (headerFill < HEADER) {
            return false;
        }
        startFrame(header, 0, in.readableBytes());
        return true;
    }

    /** Copies what {@code in} has of the current payload into it; true once the payload is complete. */
    private boolean readPayload(ByteBuf in) {
        int take = Math.min(payloadLength - payload.writerIndex(), in.readableBytes());
        if (take > 0) {
            payload.writeBytes(in, take);
        }
        return payload.writerIndex() == payloadLength;
    }

    /**
     * Checks the header at {@code index} of {@code source} and makes room for its payload, of which {@code arrived}
     * bytes are already readable.
     */
    private void startFrame(ByteBuf source, int index, int arrived) throws ProtocolException {
        long length = source.getUnsignedInt(index);
        int typeCode = source.getUnsignedByte(index + 4);
        int frameFlags = source.getUnsignedByte(index + 5);
        int id = source.getInt(index + 6);
        if (length > maxPayload) {
            throw new ProtocolException(ErrorCode.FRAME_TOO_LARGE,
                    "frame length " + length + " exceeds the maximum of " + maxPayload + " bytes");
        }
        FrameType frameType = FrameType.fromCode(typeCode);
        if (frameType == null) {
            throw new ProtocolException(ErrorCode.UNKNOWN_FRAME_TYPE, "unknown frame type 0x" + Integer.toHexString(typeCode));
        }
        if (id < 0) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "stream id " + Integer.toUnsignedString(id) + " exceeds 2^31-1");
        }
        checkStreamUse(frameType, id, (int) length);
        type = frameType;
        flags = frameFlags;
        streamId = id;
        payloadLength = (int) length;
        headerFill = HEADER;
        boolean ahead = frameType == FrameType.DATA && openStreams.test(id);
        int initial = arrived >= payloadLength ? payloadLength
                : Math.min(payloadLength, ahead ? Math.max(arrived, SPLIT_PAYLOAD_START) : arrived);
        payloadPooled = frameType == FrameType.DATA && payloadLength > 0 && pooledAllocator != null && pooledStreams.test(id);
        payload = payloadPooled ? PooledPayloads.allocate(pooledAllocator, initial, payloadLength)
                : Unpooled.buffer(initial, payloadLength);
    }

    /** Reads and checks the preface as it arrives; true once all of it was seen. */
    private boolean readPreface(ByteBuf in) throws ProtocolException {
        int take = Math.min(preface.length - prefaceFill, in.readableBytes());
        in.readBytes(preface, prefaceFill, take);
        prefaceFill += take;
        if (!Arrays.equals(preface, 0, prefaceFill, ProtocolLimits.PREFACE, 0, prefaceFill)) {
            if (prefaceFill >= 7 && Arrays.equals(preface, 0, 7, ProtocolLimits.PREFACE, 0, 7)) {
                throw new ProtocolException(ErrorCode.UNSUPPORTED_VERSION,
                        "peer speaks protocol version " + (preface[7] & 0xff) + ", this side speaks " + ProtocolLimits.PROTOCOL_VERSION);
            }
            throw new ProtocolException(ErrorCode.BAD_PREFACE,
                    "expected the " + ProtocolLimits.prefaceText() + " preface, got " + describe(preface, prefaceFill));
        }
        prefaceSeen = prefaceFill == preface.length;
        return prefaceSeen;
    }

    private static String describe(byte[] bytes, int length) {
        StringBuilder text = new StringBuilder("\"");
        for (int i = 0; i < length; i++) {
            int b = bytes[i] & 0xff;
            text.append(b >= 0x20 && b < 0x7f ? String.valueOf((char) b) : String.format("\\x%02x", b));
        }
        return text.append('"').toString();
    }

    private static void checkStreamUse(FrameType type, int streamId, int length) throws ProtocolException {
        boolean linkLevel = type == FrameType.PING || type == FrameType.GO_AWAY || type == FrameType.CONTROL;
        if (linkLevel && streamId != 0) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, type + " frame on stream " + streamId + ", only stream 0 may carry it");
        }
        if (!linkLevel && streamId == 0) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, type + " frame on stream 0, which carries only control frames");
        }
        switch (type) {
            case PING -> requireLength(type, length, 8, 8);
            case WINDOW_UPDATE -> requireLength(type, length, 4, 4);
            case HALF_CLOSE -> requireLength(type, length, 0, 0);
            case RESET -> requireLength(type, length, 4, Integer.MAX_VALUE);
            case GO_AWAY -> requireLength(type, length, 8, Integer.MAX_VALUE);
            case OPEN, HEADERS, CONTROL -> requireLength(type, length, 1, Integer.MAX_VALUE);
            case DATAGRAM -> requireLength(type, length, 2, Datagram.MAX_FRAME_PAYLOAD);
            case TRAILERS -> requireLength(type, length, 2, HttpTrailers.MAX_PAYLOAD);
            default -> {
            }
        }
    }

    private static void requireLength(FrameType type, int length, int min, int max) throws ProtocolException {
        if (length < min || length > max) {
            String expected = min == max ? String.valueOf(min) : (max == Integer.MAX_VALUE ? "at least " + min : min + ".." + max);
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, type + " frame has a " + length + "-byte payload, expected " + expected);
        }
    }

    private static void checkPayload(Frame frame) throws ProtocolException {
        if (frame.type() == FrameType.WINDOW_UPDATE) {
            long increment = frame.payload().getUnsignedInt(0);
            if (increment == 0 || increment > ProtocolLimits.MAX_WINDOW) {
                throw new ProtocolException(ErrorCode.FLOW_CONTROL_ERROR,
                        "WINDOW_UPDATE on stream " + frame.streamId() + " has invalid increment " + increment);
            }
        }
    }
}
