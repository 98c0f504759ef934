package dev.burrow.protocol;

import dev.burrow.protocol.DecoderHarness.Decoded;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.burrow.protocol.DecoderHarness.bytes;
import static dev.burrow.protocol.DecoderHarness.decodeAtOnce;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every frame type survives encode → decode, and the decoder is indifferent to how the bytes are chunked. */
class FrameCodecTest {

    private static final HttpRequestHead REQUEST = new HttpRequestHead("POST", "/upload?name=caf%C3%A9",
            List.of(Map.entry("Host", "demo.localhost:8080"), Map.entry("Content-Type", "text/plain"),
                    Map.entry("X-Forwarded-For", "203.0.113.7")));
    private static final HttpResponseHead RESPONSE = new HttpResponseHead(200, "OK",
            List.of(Map.entry("Content-Length", "5"), Map.entry("Set-Cookie", "a=1"), Map.entry("Set-Cookie", "b=2")));

    /** One encoded sample of every frame type, in wire order. */
    private static Map<FrameType, Buffer> samples() {
        Map<FrameType, Buffer> samples = new EnumMap<>(FrameType.class);
        samples.put(FrameType.DATA, FrameEncoder.data(1, Buffer.buffer("hello, tunnel")));
        samples.put(FrameType.OPEN, FrameEncoder.open(2, StreamOpen.http("ep-1", "203.0.113.7:51000", REQUEST)));
        samples.put(FrameType.HALF_CLOSE, FrameEncoder.halfClose(3));
        samples.put(FrameType.RESET, FrameEncoder.reset(4, ErrorCode.UPSTREAM_UNREACHABLE, "localhost:3000 refused the connection"));
        samples.put(FrameType.WINDOW_UPDATE, FrameEncoder.windowUpdate(5, 65_536));
        samples.put(FrameType.PING, FrameEncoder.ping(0x0102030405060708L, false));
        samples.put(FrameType.GO_AWAY, FrameEncoder.goAway(41, ErrorCode.GOING_AWAY, "node is draining"));
        samples.put(FrameType.CONTROL, FrameEncoder.control(new ControlMessage.Unbind("ep-1")));
        samples.put(FrameType.HEADERS, FrameEncoder.headers(6, RESPONSE));
        samples.put(FrameType.DATAGRAM, FrameEncoder.datagram(8, new Datagram("203.0.113.7:5353", Buffer.buffer("query"))));
        samples.put(FrameType.TRAILERS, FrameEncoder.trailers(9, new HttpTrailers(List.of(Map.entry("grpc-status", "0")))));
        return samples;
    }

    @Test
    void frameTypeCodesAreFixed() {
        Map<FrameType, Integer> expected = new LinkedHashMap<>();
        expected.put(FrameType.DATA, 0x0);
        expected.put(FrameType.OPEN, 0x1);
        expected.put(FrameType.HALF_CLOSE, 0x2);
        expected.put(FrameType.RESET, 0x3);
        expected.put(FrameType.WINDOW_UPDATE, 0x4);
        expected.put(FrameType.PING, 0x5);
        expected.put(FrameType.GO_AWAY, 0x6);
        expected.put(FrameType.CONTROL, 0x7);
        expected.put(FrameType.HEADERS, 0x8);
        expected.put(FrameType.DATAGRAM, 0x9);
        expected.put(FrameType.TRAILERS, 0xa);
        assertEquals(EnumSet.allOf(FrameType.class), expected.keySet(), "a frame type was added: pin its code here and in docs/protocol.md");
        expected.forEach((type, code) -> {
            assertEquals(code, type.code(), type.name());
            assertEquals(type, FrameType.fromCode(code));
        });
        for (int code : new int[] {-1, 0xb, 0xff, 0x100}) {
            assertEquals(null, FrameType.fromCode(code), "code " + code);
        }
    }

    @Test
    void errorCodesAreFixed() {
        Map<ErrorCode, Integer> expected = new LinkedHashMap<>();
        int[] codes = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 100, 101, 110, 111, 112, 113, 114, 115, 116, 117, 118,
                119, 120, 130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 200, 201, 202};
        ErrorCode[] values = ErrorCode.values();
        assertEquals(codes.length, values.length, "an error code was added: pin it here and in docs/protocol.md");
        for (int i = 0; i < values.length; i++) {
            expected.put(values[i], codes[i]);
        }
        expected.forEach((code, wire) -> {
            assertEquals(wire, code.code(), code.name());
            assertEquals(code, ErrorCode.fromCode(wire));
        });
        assertEquals(ErrorCode.INTERNAL_ERROR, ErrorCode.fromCode(99_999), "unknown codes map to INTERNAL_ERROR");
        assertEquals(ErrorCode.INTERNAL_ERROR, ErrorCode.fromCode(0xFFFF_FFFFL));
    }

    @Test
    void prefaceIsBurrowZeroVersion() {
        assertArrayEquals(new byte[] {'B', 'U', 'R', 'R', 'O', 'W', 0, 1}, FrameEncoder.preface().getBytes());
        assertEquals("BURROW/1", ProtocolLimits.prefaceText());
    }

    @Test
    void headerIsBigEndianLengthTypeFlagsStreamId() {
        Buffer frame = FrameEncoder.windowUpdate(0x0A0B0C0D, 0x01020304);
        assertEquals(bytes(0, 0, 0, 4, 0x04, 0x00, 0x0A, 0x0B, 0x0C, 0x0D, 0x01, 0x02, 0x03, 0x04), frame);
        Buffer ping = FrameEncoder.ping(-2L, true);
        assertEquals(bytes(0, 0, 0, 8, 0x05, FrameFlags.ACK, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe), ping);
        assertEquals(bytes(0, 0, 0, 0, 0x02, 0, 0, 0, 0, 7), FrameEncoder.halfClose(7));
    }

    @Test
    void everyFrameTypeRoundTrips() throws ProtocolException {
        Map<FrameType, Buffer> samples = samples();
        assertEquals(EnumSet.allOf(FrameType.class), samples.keySet(), "every frame type needs a sample");
        for (Map.Entry<FrameType, Buffer> sample : samples.entrySet()) {
            FrameDecoder decoder = new FrameDecoder(false, ProtocolLimits.MAX_FRAME_PAYLOAD);
            List<Frame> frames = new ArrayList<>();
            decoder.feed(sample.getValue(), frames::add);
            assertEquals(1, frames.size(), sample.getKey().name());
            Frame frame = frames.get(0);
            assertEquals(sample.getKey(), frame.type());
            assertEquals(sample.getValue().length() - ProtocolLimits.FRAME_HEADER_SIZE, frame.payload().length());
            assertEquals(0, decoder.bufferedBytes());
        }
    }

    @Test
    void payloadsDecodeToWhatWasEncoded() throws ProtocolException {
        Map<FrameType, Frame> decoded = new EnumMap<>(FrameType.class);
        Buffer stream = FrameEncoder.preface();
        samples().values().forEach(stream::appendBuffer);
        new FrameDecoder().feed(stream, frame -> decoded.put(frame.type(), frame));

        assertEquals("hello, tunnel", decoded.get(FrameType.DATA).payload().toString(StandardCharsets.UTF_8));
        assertEquals(1, decoded.get(FrameType.DATA).streamId());
        assertEquals(StreamOpen.http("ep-1", "203.0.113.7:51000", REQUEST), StreamOpen.decode(decoded.get(FrameType.OPEN).payload()));
        assertEquals(2, decoded.get(FrameType.OPEN).streamId());
        assertEquals(0, decoded.get(FrameType.HALF_CLOSE).payload().length());
        assertEquals(new FramePayloads.Reset(ErrorCode.UPSTREAM_UNREACHABLE, "localhost:3000 refused the connection"),
                FramePayloads.reset(decoded.get(FrameType.RESET).payload()));
        assertEquals(65_536, FramePayloads.windowIncrement(decoded.get(FrameType.WINDOW_UPDATE).payload()));
        assertEquals(5, decoded.get(FrameType.WINDOW_UPDATE).streamId());
        assertEquals(0x0102030405060708L, decoded.get(FrameType.PING).payload().getLong(0));
        assertFalse(decoded.get(FrameType.PING).hasFlag(FrameFlags.ACK));
        assertEquals(0, decoded.get(FrameType.PING).streamId());
        assertEquals(new FramePayloads.GoAway(41, ErrorCode.GOING_AWAY, "node is draining"),
                FramePayloads.goAway(decoded.get(FrameType.GO_AWAY).payload()));
        assertEquals(new ControlMessage.Unbind("ep-1"), ControlCodec.decode(decoded.get(FrameType.CONTROL).payload()));
        assertEquals(RESPONSE, HttpResponseHead.decode(decoded.get(FrameType.HEADERS).payload()));
        assertEquals(6, decoded.get(FrameType.HEADERS).streamId());
    }

    @Test
    void pingAckFlagRoundTrips() throws ProtocolException {
        List<Frame> frames = new ArrayList<>();
        new FrameDecoder(false, ProtocolLimits.MAX_FRAME_PAYLOAD).feed(FrameEncoder.ping(Long.MIN_VALUE, true), frames::add);
        assertTrue(frames.get(0).hasFlag(FrameFlags.ACK));
        assertEquals(Long.MIN_VALUE, frames.get(0).payload().getLong(0));
    }

    @Test
    void boundaryValuesRoundTrip() throws ProtocolException {
        Buffer stream = FrameEncoder.preface()
                .appendBuffer(FrameEncoder.windowUpdate(Integer.MAX_VALUE, Integer.MAX_VALUE))
                .appendBuffer(FrameEncoder.windowUpdate(1, 1))
                .appendBuffer(FrameEncoder.data(1, Buffer.buffer()))
                .appendBuffer(FrameEncoder.data(3, Buffer.buffer(new byte[ProtocolLimits.MAX_FRAME_PAYLOAD])))
                .appendBuffer(FrameEncoder.goAway(Integer.MAX_VALUE, ErrorCode.NO_ERROR, ""))
                .appendBuffer(FrameEncoder.reset(9, ErrorCode.STREAM_CANCELLED, null));
        List<Frame> frames = new ArrayList<>();
        new FrameDecoder().feed(stream, frames::add);
        assertEquals(6, frames.size());
        assertEquals(Integer.MAX_VALUE, frames.get(0).streamId());
        assertEquals(Integer.MAX_VALUE, FramePayloads.windowIncrement(frames.get(0).payload()));
        assertEquals(1, FramePayloads.windowIncrement(frames.get(1).payload()));
        assertEquals(0, frames.get(2).payload().length());
        assertEquals(ProtocolLimits.MAX_FRAME_PAYLOAD, frames.get(3).payload().length());
        assertEquals(new FramePayloads.GoAway(Integer.MAX_VALUE, ErrorCode.NO_ERROR, ""), FramePayloads.goAway(frames.get(4).payload()));
        assertEquals(new FramePayloads.Reset(ErrorCode.STREAM_CANCELLED, ""), FramePayloads.reset(frames.get(5).payload()));
    }

    @Test
    void resetAndGoAwaySentencesAreUtf8() throws ProtocolException {
        String sentence = "upstream café.local:3000 — 接続できません 🚫";
        List<Frame> frames = new ArrayList<>();
        new FrameDecoder(false, ProtocolLimits.MAX_FRAME_PAYLOAD).feed(FrameEncoder.reset(1, ErrorCode.UPSTREAM_ERROR, sentence)
                .appendBuffer(FrameEncoder.goAway(0, ErrorCode.INTERNAL_ERROR, sentence)), frames::add);
        assertEquals(sentence, FramePayloads.reset(frames.get(0).payload()).message());
        assertEquals(sentence, FramePayloads.goAway(frames.get(1).payload()).message());
    }

    @Test
    void unknownErrorCodeInResetReadsAsInternalError() {
        Buffer payload = Buffer.buffer().appendUnsignedInt(4242).appendString("from the future");
        assertEquals(new FramePayloads.Reset(ErrorCode.INTERNAL_ERROR, "from the future"), FramePayloads.reset(payload));
    }

    @Test
    void longSentencesAreCutToAboutOneKibibyte() {
        Buffer frame = FrameEncoder.reset(1, ErrorCode.UPSTREAM_ERROR, "x".repeat(5000));
        assertEquals(1024, FramePayloads.reset(frame.slice(ProtocolLimits.FRAME_HEADER_SIZE, frame.length())).message().length());
    }

    @Test
    void longSentencesAreCutOnACharacterBoundary() {
        String message = "a".repeat(1023) + "é and more";
        Buffer frame = FrameEncoder.reset(1, ErrorCode.UPSTREAM_ERROR, message);
        String sent = FramePayloads.reset(frame.slice(ProtocolLimits.FRAME_HEADER_SIZE, frame.length())).message();
        assertTrue(sent.getBytes(StandardCharsets.UTF_8).length <= 1024, "sentence is " + sent.getBytes(StandardCharsets.UTF_8).length + " bytes");
        assertFalse(sent.contains("\uFFFD"), "sentence ends in a replacement character");
        assertTrue(message.startsWith(sent));
    }

    // ---------------------------------------------------------------- incremental decoding

    /** A realistic link transcript: preface, handshake, two HTTP exchanges interleaved, a TCP stream, pings. */
    private static Buffer transcript() {
        Random random = new Random(7);
        byte[] body = new byte[40_000];
        random.nextBytes(body);
        Buffer out = FrameEncoder.preface()
                .appendBuffer(FrameEncoder.control(new ControlMessage.Auth("tok", "0.1.0", null)))
                .appendBuffer(FrameEncoder.control(ControlMessage.AuthResult.accepted("s-1", 10_000)))
                .appendBuffer(FrameEncoder.open(2, StreamOpen.http("ep", "198.51.100.1:4000", REQUEST)))
                .appendBuffer(FrameEncoder.open(4, StreamOpen.tcp("ep-tcp", "198.51.100.2:4001")))
                .appendBuffer(FrameEncoder.ping(42, false));
        for (int i = 0; i < body.length; i += 16_384) {
            Buffer chunk = Buffer.buffer(body).slice(i, Math.min(body.length, i + 16_384));
            out.appendBuffer(FrameEncoder.data(2, chunk)).appendBuffer(FrameEncoder.data(4, Buffer.buffer("tcp " + i)));
        }
        return out.appendBuffer(FrameEncoder.halfClose(2))
                .appendBuffer(FrameEncoder.headers(2, RESPONSE))
                .appendBuffer(FrameEncoder.windowUpdate(2, 40_000))
                .appendBuffer(FrameEncoder.ping(42, true))
                .appendBuffer(FrameEncoder.reset(4, ErrorCode.STREAM_CANCELLED, "client went away"))
                .appendBuffer(FrameEncoder.goAway(4, ErrorCode.GOING_AWAY, "bye"));
    }

    @Test
    void byteByByteAndRandomChunksGiveTheSameFramesAsOneFeed() throws ProtocolException {
        Buffer bytes = transcript();
        List<Decoded> atOnce = decodeAtOnce(bytes);
        assertEquals(17, atOnce.size());
        assertEquals(atOnce, DecoderHarness.decodeByteByByte(bytes));
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        for (int maxChunk : new int[] {2, 11, 1000, 70_000}) {
            FrameDecoder decoder = new FrameDecoder();
            assertEquals(atOnce, DecoderHarness.decodeChunked(decoder, bytes, random, maxChunk), "seed " + seed + ", max chunk " + maxChunk);
            assertEquals(0, decoder.bufferedBytes());
        }
    }

    @Test
    void everySplitPointGivesTheSameFrames() throws ProtocolException {
        Buffer bytes = FrameEncoder.preface()
                .appendBuffer(FrameEncoder.open(1, StreamOpen.tcp("ep", "192.0.2.1:1")))
                .appendBuffer(FrameEncoder.data(1, Buffer.buffer("abc")))
                .appendBuffer(FrameEncoder.halfClose(1))
                .appendBuffer(FrameEncoder.ping(1, false));
        List<Decoded> expected = decodeAtOnce(bytes);
        for (int split = 0; split <= bytes.length(); split++) {
            FrameDecoder decoder = new FrameDecoder();
            List<Decoded> frames = decodeAtOnce(decoder, bytes.slice(0, split));
            frames.addAll(decodeAtOnce(decoder, bytes.slice(split, bytes.length())));
            assertEquals(expected, frames, "split at " + split);
        }
    }

    @Test
    void emittedPayloadSlicesStayValidAfterLaterFeeds() throws ProtocolException {
        Buffer bytes = transcript();
        List<Decoded> expected = decodeAtOnce(bytes);
        FrameDecoder decoder = new FrameDecoder();
        List<Frame> kept = new ArrayList<>();
        Random random = new Random(3);
        for (int offset = 0; offset < bytes.length(); ) {
            int end = Math.min(bytes.length(), offset + 1 + random.nextInt(5000));
            decoder.feed(bytes.slice(offset, end), kept::add);
            offset = end;
        }
        assertEquals(expected, kept.stream().map(Decoded::of).toList());
    }

    @Test
    void bufferedBytesCountsTheIncompleteTail() throws ProtocolException {
        FrameDecoder decoder = new FrameDecoder();
        List<Frame> frames = new ArrayList<>();
        decoder.feed(Buffer.buffer(new byte[] {'B', 'U', 'R'}), frames::add);
        assertEquals(3, decoder.bufferedBytes());
        Buffer rest = FrameEncoder.preface().slice(3, 8).copy().appendBuffer(FrameEncoder.data(1, Buffer.buffer("0123456789")));
        decoder.feed(rest.slice(0, 5 + 4), frames::add);
        assertEquals(4, decoder.bufferedBytes(), "preface consumed, 4 header bytes waiting");
        decoder.feed(rest.slice(9, 9 + 10), frames::add);
        assertEquals(14, decoder.bufferedBytes());
        assertTrue(frames.isEmpty());
        decoder.feed(rest.slice(19, rest.length()), frames::add);
        assertEquals(1, frames.size());
        assertEquals(0, decoder.bufferedBytes());
    }

    /** A peer that sends a maximal frame in tiny TLS records must not make the decoder copy quadratically. */
    @Test
    void aMaximalFrameFedInTinyChunksDecodesInLinearTime() {
        Buffer frame = FrameEncoder.data(1, Buffer.buffer(new byte[ProtocolLimits.MAX_FRAME_PAYLOAD]));
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(5), () -> {
            FrameDecoder decoder = new FrameDecoder(false, ProtocolLimits.MAX_FRAME_PAYLOAD);
            int[] count = {0};
            for (int i = 0; i < frame.length(); i += 16) {
                decoder.feed(frame.slice(i, Math.min(frame.length(), i + 16)), f -> count[0]++);
            }
            assertEquals(1, count[0]);
        });
    }
}
