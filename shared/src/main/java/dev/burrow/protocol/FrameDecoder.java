package dev.burrow.protocol;

import io.vertx.core.buffer.Buffer;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Incremental decoder for one link: feed it bytes as they arrive, it emits whole frames.
 *
 * <p>It checks everything that can be checked without stream state: the preface, the length limit, the
 * frame type, which stream a type may use, and the fixed payload sizes. The first violation throws a
 * {@link ProtocolException} and leaves the decoder failed: every later call throws the same exception, so a
 * link can never resume after garbage. Stream-level rules (data on a stream never opened, window overflow)
 * belong to the multiplexer.
 */
public final class FrameDecoder {
    private final int maxPayload;
    private boolean prefaceSeen;
    /** Unconsumed bytes of earlier calls, owned by the decoder and appended to; null when there are none. */
    private Buffer pending;
    private ProtocolException failure;

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

    /** Consumes {@code chunk} and hands every complete frame to {@code sink}, in order. */
    public void feed(Buffer chunk, Consumer<Frame> sink) throws ProtocolException {
        if (failure != null) {
            throw failure;
        }
        try {
            Buffer input = append(chunk);
            int offset = 0;
            if (!prefaceSeen) {
                offset = readPreface(input, offset);
                if (!prefaceSeen) {
                    keep(input, offset);
                    return;
                }
            }
            while (input.length() - offset >= ProtocolLimits.FRAME_HEADER_SIZE) {
                long length = input.getUnsignedInt(offset);
                int typeCode = input.getUnsignedByte(offset + 4);
                int flags = input.getUnsignedByte(offset + 5);
                int streamId = input.getInt(offset + 6);
                if (length > maxPayload) {
                    throw new ProtocolException(ErrorCode.FRAME_TOO_LARGE,
                            "frame length " + length + " exceeds the maximum of " + maxPayload + " bytes");
                }
                FrameType type = FrameType.fromCode(typeCode);
                if (type == null) {
                    throw new ProtocolException(ErrorCode.UNKNOWN_FRAME_TYPE, "unknown frame type 0x" + Integer.toHexString(typeCode));
                }
                if (streamId < 0) {
                    throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "stream id " + Integer.toUnsignedString(streamId) + " exceeds 2^31-1");
                }
                checkStreamUse(type, streamId, (int) length);
                int frameEnd = offset + ProtocolLimits.FRAME_HEADER_SIZE + (int) length;
                if (frameEnd > input.length()) {
                    break;
                }
                Buffer payload = input.slice(offset + ProtocolLimits.FRAME_HEADER_SIZE, frameEnd);
                offset = frameEnd;
                Frame frame = new Frame(type, flags, streamId, payload);
                checkPayload(frame);
                sink.accept(frame);
            }
            keep(input, offset);
        } catch (ProtocolException e) {
            failure = e;
            pending = null;
            throw e;
        }
    }

    /** Bytes received but not yet part of a complete frame. */
    public int bufferedBytes() {
        return pending == null ? 0 : pending.length();
    }

    /** Appending to the decoder's own buffer costs amortized O(1) per byte, however a frame is split. */
    private Buffer append(Buffer chunk) {
        if (pending == null) {
            return chunk;
        }
        pending.appendBuffer(chunk);
        return pending;
    }

    /**
     * Keeps the unconsumed tail for the next call. Slices already handed to the sink stay valid: a buffer
     * they point into is never appended to again, only its tail is copied out.
     */
    private void keep(Buffer input, int offset) {
        if (offset >= input.length()) {
            pending = null;
        } else if (input != pending || offset > 0) {
            int tail = input.length() - offset;
            int expected = tail >= ProtocolLimits.FRAME_HEADER_SIZE && prefaceSeen
                    ? ProtocolLimits.FRAME_HEADER_SIZE + (int) Math.min(input.getUnsignedInt(offset), maxPayload)
                    : tail;
            pending = Buffer.buffer(Math.max(expected, tail)).appendBuffer(input, offset, tail);
        }
    }

    private int readPreface(Buffer input, int offset) throws ProtocolException {
        int available = Math.min(input.length() - offset, ProtocolLimits.PREFACE.length);
        byte[] head = input.getBytes(offset, offset + available);
        if (!Arrays.equals(head, 0, available, ProtocolLimits.PREFACE, 0, available)) {
            if (available >= 7 && Arrays.equals(head, 0, 7, ProtocolLimits.PREFACE, 0, 7)) {
                throw new ProtocolException(ErrorCode.UNSUPPORTED_VERSION,
                        "peer speaks protocol version " + (head[7] & 0xff) + ", this side speaks " + ProtocolLimits.PROTOCOL_VERSION);
            }
            throw new ProtocolException(ErrorCode.BAD_PREFACE,
                    "expected the " + ProtocolLimits.prefaceText() + " preface, got " + describe(head, available));
        }
        if (available == ProtocolLimits.PREFACE.length) {
            prefaceSeen = true;
            return offset + available;
        }
        return offset;
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
