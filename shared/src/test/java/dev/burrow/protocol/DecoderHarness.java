package dev.burrow.protocol;

import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertThrows;

/** Test helpers for feeding bytes to a {@link FrameDecoder} and building raw (possibly invalid) frames. */
final class DecoderHarness {
    private DecoderHarness() {
    }

    /** A frame reduced to comparable values; the payload as hex so that equality means equal bytes. */
    record Decoded(FrameType type, int flags, int streamId, String payloadHex) {
        static Decoded of(Frame frame) {
            return new Decoded(frame.type(), frame.flags(), frame.streamId(), HexFormat.of().formatHex(frame.payload().getBytes()));
        }
    }

    /** Feeds {@code bytes} in one call and returns the frames, payloads copied. */
    static List<Decoded> decodeAtOnce(FrameDecoder decoder, Buffer bytes) throws ProtocolException {
        List<Decoded> frames = new ArrayList<>();
        decoder.feed(bytes, frame -> frames.add(Decoded.of(frame)));
        return frames;
    }

    static List<Decoded> decodeAtOnce(Buffer bytes) throws ProtocolException {
        return decodeAtOnce(new FrameDecoder(), bytes);
    }

    /** Feeds {@code bytes} in chunks of 1..{@code maxChunk} bytes chosen by {@code random}. */
    static List<Decoded> decodeChunked(FrameDecoder decoder, Buffer bytes, Random random, int maxChunk) throws ProtocolException {
        List<Decoded> frames = new ArrayList<>();
        int offset = 0;
        while (offset < bytes.length()) {
            int end = Math.min(bytes.length(), offset + 1 + random.nextInt(maxChunk));
            decoder.feed(bytes.slice(offset, end), frame -> frames.add(Decoded.of(frame)));
            offset = end;
        }
        return frames;
    }

    static List<Decoded> decodeByteByByte(Buffer bytes) throws ProtocolException {
        FrameDecoder decoder = new FrameDecoder();
        List<Decoded> frames = new ArrayList<>();
        for (int i = 0; i < bytes.length(); i++) {
            decoder.feed(bytes.slice(i, i + 1), frame -> frames.add(Decoded.of(frame)));
        }
        return frames;
    }

    /** Asserts that feeding {@code bytes} (after the preface) fails with {@code code}, and returns the exception. */
    static ProtocolException rejectAfterPreface(Buffer bytes, ErrorCode code) {
        FrameDecoder decoder = new FrameDecoder();
        try {
            decoder.feed(FrameEncoder.preface(), frame -> { });
        } catch (ProtocolException e) {
            throw new AssertionError("the preface itself was rejected", e);
        }
        return reject(decoder, bytes, code);
    }

    static ProtocolException reject(FrameDecoder decoder, Buffer bytes, ErrorCode code) {
        List<Frame> frames = new ArrayList<>();
        ProtocolException e = assertThrows(ProtocolException.class, () -> decoder.feed(bytes, frames::add));
        if (e.code() != code) {
            throw new AssertionError("expected " + code + " but got " + e.code() + ": " + e.getMessage());
        }
        if (e.getMessage() == null || e.getMessage().isBlank()) {
            throw new AssertionError("a ProtocolException needs a sentence for the log");
        }
        return e;
    }

    /** A raw frame header: length (u32) | type (u8) | flags (u8) | stream id (u32), all big-endian. */
    static Buffer header(long length, int typeCode, int flags, int streamId) {
        return Buffer.buffer(ProtocolLimits.FRAME_HEADER_SIZE)
                .appendUnsignedInt(length).appendUnsignedByte((short) typeCode).appendUnsignedByte((short) flags).appendInt(streamId);
    }

    /** A raw frame with any type code, stream id and payload, checked by nobody. */
    static Buffer rawFrame(int typeCode, int flags, int streamId, Buffer payload) {
        return header(payload.length(), typeCode, flags, streamId).appendBuffer(payload);
    }

    static Buffer bytes(int... values) {
        Buffer out = Buffer.buffer(values.length);
        for (int value : values) {
            out.appendUnsignedByte((short) value);
        }
        return out;
    }
}
