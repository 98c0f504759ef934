package dev.burrow.protocol;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;

/** Builds the bytes of each frame type. Payload buffers are appended, never modified. */
public final class FrameEncoder {
    private static final int MAX_SENTENCE_BYTES = 1024;

    private FrameEncoder() {
    }

    public static Buffer preface() {
        return Buffer.buffer(ProtocolLimits.PREFACE);
    }

    public static Buffer frame(FrameType type, int flags, int streamId, Buffer payload) {
        int length = payload == null ? 0 : payload.length();
        if (length > ProtocolLimits.MAX_FRAME_PAYLOAD) {
            throw new IllegalArgumentException(type + " payload of " + length + " bytes exceeds the frame limit");
        }
        Buffer out = appendHeader(Buffer.buffer(ProtocolLimits.FRAME_HEADER_SIZE + length), type, flags, streamId, length);
        if (length > 0) {
            out.appendBuffer(payload);
        }
        return out;
    }

    /**
     * Appends only the header of a frame whose {@code length}-byte payload the caller sends right after it (so that a
     * large payload can go out as its own buffer instead of being copied behind the header).
     */
    public static Buffer appendHeader(Buffer out, FrameType type, int flags, int streamId, int length) {
        if (length < 0 || length > ProtocolLimits.MAX_FRAME_PAYLOAD) {
            throw new IllegalArgumentException(type + " payload of " + length + " bytes is outside the frame limit");
        }
        return out.appendUnsignedInt(length).appendUnsignedByte((short) type.code()).appendUnsignedByte((short) flags).appendInt(streamId);
    }

    public static Buffer data(int streamId, Buffer payload) {
        return frame(FrameType.DATA, 0, streamId, payload);
    }

    public static Buffer open(int streamId, StreamOpen open) {
        return frame(FrameType.OPEN, 0, streamId, open.encode());
    }

    public static Buffer headers(int streamId, HttpResponseHead head) {
        return frame(FrameType.HEADERS, 0, streamId, head.encode());
    }

    public static Buffer trailers(int streamId, HttpTrailers trailers) {
        return frame(FrameType.TRAILERS, 0, streamId, trailers.encode());
    }

    /** A DATAGRAM frame, built in one buffer (header, address, datagram). */
    public static Buffer datagram(int streamId, Datagram datagram) {
        int length = datagram.size();
        return datagram.encodeTo(appendHeader(Buffer.buffer(ProtocolLimits.FRAME_HEADER_SIZE + length), FrameType.DATAGRAM, 0,
                streamId, length));
    }

    public static Buffer halfClose(int streamId) {
        return frame(FrameType.HALF_CLOSE, 0, streamId, null);
    }

    public static Buffer reset(int streamId, ErrorCode code, String message) {
        Buffer payload = Buffer.buffer().appendUnsignedInt(code.code()).appendString(truncate(message));
        return frame(FrameType.RESET, 0, streamId, payload);
    }

    public static Buffer windowUpdate(int streamId, int increment) {
        return frame(FrameType.WINDOW_UPDATE, 0, streamId, windowIncrement(increment));
    }

    /** The payload of a WINDOW_UPDATE frame. */
    public static Buffer windowIncrement(int increment) {
        return Buffer.buffer(4).appendUnsignedInt(increment);
    }

    public static Buffer ping(long opaque, boolean ack) {
        return frame(FrameType.PING, ack ? FrameFlags.ACK : 0, 0, Buffer.buffer(8).appendLong(opaque));
    }

    public static Buffer goAway(int lastStreamId, ErrorCode code, String message) {
        Buffer payload = Buffer.buffer().appendUnsignedInt(lastStreamId).appendUnsignedInt(code.code()).appendString(truncate(message));
        return frame(FrameType.GO_AWAY, 0, 0, payload);
    }

    public static Buffer control(ControlMessage message) {
        return frame(FrameType.CONTROL, 0, 0, ControlCodec.encode(message));
    }

    /** Cuts a sentence to at most 1024 UTF-8 bytes, on a character boundary. */
    private static String truncate(String message) {
        String text = message == null ? "" : message;
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_SENTENCE_BYTES) {
            return text;
        }
        int end = MAX_SENTENCE_BYTES;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) {
            end--;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }
}
