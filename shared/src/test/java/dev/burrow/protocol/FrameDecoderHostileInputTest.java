package dev.burrow.protocol;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static dev.burrow.protocol.DecoderHarness.bytes;
import static dev.burrow.protocol.DecoderHarness.header;
import static dev.burrow.protocol.DecoderHarness.rawFrame;
import static dev.burrow.protocol.DecoderHarness.reject;
import static dev.burrow.protocol.DecoderHarness.rejectAfterPreface;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a hostile or confused peer can send, one case per test; each must end in a ProtocolException with a clear code. */
class FrameDecoderHostileInputTest {
    private static final int MAX = ProtocolLimits.MAX_FRAME_PAYLOAD;

    // ---------------------------------------------------------------- preface

    @Test
    void httpRequestInsteadOfPrefaceIsBadPreface() {
        Buffer http = Buffer.buffer("GET / HTTP/1.1\r\nHost: tunnel.example.com\r\n\r\n");
        ProtocolException e = reject(new FrameDecoder(), http, ErrorCode.BAD_PREFACE);
        assertEquals("expected the BURROW/1 preface, got \"GET / HT\"", e.getMessage());
    }

    @Test
    void tlsClientHelloInsteadOfPrefaceIsBadPreface() {
        // A TLS record header (handshake, TLS 1.0 record version, length) and the ClientHello start: a plaintext
        // listener reached by a TLS client, or a TLS client talking to a port without TLS termination.
        Buffer hello = bytes(0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03);
        ProtocolException e = reject(new FrameDecoder(), hello, ErrorCode.BAD_PREFACE);
        assertEquals("expected the BURROW/1 preface, got \"\\x16\\x03\\x01\\x02\\x00\\x01\\x00\\x01\"", e.getMessage());
    }

    @Test
    void firstWrongByteIsRejectedWithoutWaitingForTheWholePreface() {
        ProtocolException e = reject(new FrameDecoder(), Buffer.buffer("S"), ErrorCode.BAD_PREFACE);
        assertEquals("expected the BURROW/1 preface, got \"S\"", e.getMessage());
        reject(new FrameDecoder(), Buffer.buffer("BURX"), ErrorCode.BAD_PREFACE);
    }

    @Test
    void framesWithoutPrefaceAreBadPreface() {
        reject(new FrameDecoder(), FrameEncoder.ping(1, false), ErrorCode.BAD_PREFACE);
    }

    @Test
    void partialPrefaceWaits() throws ProtocolException {
        FrameDecoder decoder = new FrameDecoder();
        List<Frame> frames = new ArrayList<>();
        decoder.feed(Buffer.buffer("BURRO"), frames::add);
        assertEquals(5, decoder.bufferedBytes());
        decoder.feed(bytes('W', 0), frames::add);
        assertEquals(7, decoder.bufferedBytes());
        decoder.feed(bytes(1), frames::add);
        assertEquals(0, decoder.bufferedBytes());
        assertTrue(frames.isEmpty());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2, 255})
    void wrongProtocolVersionIsUnsupportedVersion(int version) {
        Buffer preface = FrameEncoder.preface();
        preface.setUnsignedByte(7, (short) version);
        ProtocolException e = reject(new FrameDecoder(), preface, ErrorCode.UNSUPPORTED_VERSION);
        assertEquals("peer speaks protocol version " + version + ", this side speaks 1", e.getMessage());
    }

    @Test
    void wrongVersionIsNoticedWhenTheVersionByteArrivesAlone() throws ProtocolException {
        FrameDecoder decoder = new FrameDecoder();
        decoder.feed(Buffer.buffer(new byte[] {'B', 'U', 'R', 'R', 'O', 'W', 0}), frame -> { });
        reject(decoder, bytes(2), ErrorCode.UNSUPPORTED_VERSION);
    }

    // ---------------------------------------------------------------- truncation and length

    @Test
    void truncatedFrameWaitsForTheRest() throws ProtocolException {
        FrameDecoder decoder = new FrameDecoder(false, MAX);
        List<Frame> frames = new ArrayList<>();
        Buffer frame = FrameEncoder.data(1, Buffer.buffer(new byte[100]));
        decoder.feed(frame.slice(0, 6), frames::add);
        assertEquals(6, decoder.bufferedBytes(), "half a header");
        decoder.feed(frame.slice(6, 10), frames::add);
        assertEquals(10, decoder.bufferedBytes(), "whole header, no payload");
        decoder.feed(frame.slice(10, 60), frames::add);
        assertEquals(60, decoder.bufferedBytes());
        decoder.feed(frame.slice(60, 109), frames::add);
        assertEquals(109, decoder.bufferedBytes(), "one byte short");
        assertTrue(frames.isEmpty(), "no frame before its last byte");
        decoder.feed(frame.slice(109, 110), frames::add);
        assertEquals(1, frames.size());
        assertEquals(100, frames.get(0).payload().length());
        assertEquals(0, decoder.bufferedBytes());
    }

    @Test
    void lengthOverTheMaximumIsRejectedAsSoonAsTheHeaderArrives() {
        ProtocolException e = rejectAfterPreface(header(MAX + 1, FrameType.DATA.code(), 0, 1), ErrorCode.FRAME_TOO_LARGE);
        assertEquals("frame length 1048577 exceeds the maximum of 1048576 bytes", e.getMessage());
    }

    @Test
    void lengthNearFourGibibytesIsRejectedNotAllocated() {
        ProtocolException e = rejectAfterPreface(header(0xFFFF_FFFFL, FrameType.DATA.code(), 0, 1), ErrorCode.FRAME_TOO_LARGE);
        assertEquals("frame length 4294967295 exceeds the maximum of 1048576 bytes", e.getMessage());
    }

    @Test
    void configuredMaximumIsEnforced() throws ProtocolException {
        FrameDecoder decoder = new FrameDecoder(false, 16);
        List<Frame> frames = new ArrayList<>();
        decoder.feed(FrameEncoder.data(1, Buffer.buffer(new byte[16])), frames::add);
        assertEquals(1, frames.size());
        ProtocolException e = reject(decoder, header(17, FrameType.CONTROL.code(), 0, 0), ErrorCode.FRAME_TOO_LARGE);
        assertEquals("frame length 17 exceeds the maximum of 16 bytes", e.getMessage());
    }

    @Test
    void lengthExactlyAtTheMaximumIsAccepted() throws ProtocolException {
        FrameDecoder decoder = new FrameDecoder(false, MAX);
        List<Frame> frames = new ArrayList<>();
        decoder.feed(header(MAX, FrameType.DATA.code(), 0, 1), frames::add);
        assertEquals(ProtocolLimits.FRAME_HEADER_SIZE, decoder.bufferedBytes());
        decoder.feed(Buffer.buffer(new byte[MAX]), frames::add);
        assertEquals(MAX, frames.get(0).payload().length());
    }

    // ---------------------------------------------------------------- type and stream

    @ParameterizedTest
    @ValueSource(ints = {0x0b, 0x42, 0xff})
    void unknownFrameTypeIsRejected(int code) {
        ProtocolException e = rejectAfterPreface(rawFrame(code, 0, 1, Buffer.buffer("x")), ErrorCode.UNKNOWN_FRAME_TYPE);
        assertEquals("unknown frame type 0x" + Integer.toHexString(code), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(value = FrameType.class, names = {"PING", "GO_AWAY", "CONTROL"})
    void linkFrameOnANonZeroStreamIsRejected(FrameType type) {
        ProtocolException e = rejectAfterPreface(rawFrame(type.code(), 0, 3, Buffer.buffer(new byte[8])), ErrorCode.PROTOCOL_ERROR);
        assertEquals(type + " frame on stream 3, only stream 0 may carry it", e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(value = FrameType.class, names = {"DATA", "OPEN", "HALF_CLOSE", "RESET", "WINDOW_UPDATE", "HEADERS"})
    void streamFrameOnStreamZeroIsRejected(FrameType type) {
        ProtocolException e = rejectAfterPreface(rawFrame(type.code(), 0, 0, Buffer.buffer(new byte[4]).setInt(0, 1)), ErrorCode.PROTOCOL_ERROR);
        assertEquals(type + " frame on stream 0, which carries only control frames", e.getMessage());
    }

    @Test
    void dataOnStreamZeroIsRejectedFromTheHeaderAlone() {
        ProtocolException e = rejectAfterPreface(header(1000, FrameType.DATA.code(), 0, 0), ErrorCode.PROTOCOL_ERROR);
        assertEquals("DATA frame on stream 0, which carries only control frames", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {0x8000_0000, 0x8000_0001, 0xFFFF_FFFF})
    void streamIdWithTheTopBitSetIsRejected(int streamId) {
        ProtocolException e = rejectAfterPreface(rawFrame(FrameType.DATA.code(), 0, streamId, Buffer.buffer("x")), ErrorCode.PROTOCOL_ERROR);
        assertEquals("stream id " + Integer.toUnsignedString(streamId) + " exceeds 2^31-1", e.getMessage());
    }

    // ---------------------------------------------------------------- fixed payload sizes

    @ParameterizedTest
    @ValueSource(ints = {0, 7, 9, 16})
    void pingWithWrongLengthIsRejected(int length) {
        ProtocolException e = rejectAfterPreface(rawFrame(FrameType.PING.code(), 0, 0, Buffer.buffer(new byte[length])), ErrorCode.PROTOCOL_ERROR);
        assertEquals("PING frame has a " + length + "-byte payload, expected 8", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 3, 5, 8})
    void windowUpdateWithWrongLengthIsRejected(int length) {
        ProtocolException e = rejectAfterPreface(rawFrame(FrameType.WINDOW_UPDATE.code(), 0, 1, Buffer.buffer(new byte[length])), ErrorCode.PROTOCOL_ERROR);
        assertEquals("WINDOW_UPDATE frame has a " + length + "-byte payload, expected 4", e.getMessage());
    }

    @Test
    void halfCloseWithAPayloadIsRejected() {
        ProtocolException e = rejectAfterPreface(rawFrame(FrameType.HALF_CLOSE.code(), 0, 1, Buffer.buffer("x")), ErrorCode.PROTOCOL_ERROR);
        assertEquals("HALF_CLOSE frame has a 1-byte payload, expected 0", e.getMessage());
    }

    @Test
    void resetShorterThanItsErrorCodeIsRejected() {
        ProtocolException e = rejectAfterPreface(rawFrame(FrameType.RESET.code(), 0, 1, Buffer.buffer(new byte[3])), ErrorCode.PROTOCOL_ERROR);
        assertEquals("RESET frame has a 3-byte payload, expected at least 4", e.getMessage());
    }

    @Test
    void goAwayShorterThanEightBytesIsRejected() {
        ProtocolException e = rejectAfterPreface(rawFrame(FrameType.GO_AWAY.code(), 0, 0, Buffer.buffer(new byte[7])), ErrorCode.PROTOCOL_ERROR);
        assertEquals("GO_AWAY frame has a 7-byte payload, expected at least 8", e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(value = FrameType.class, names = {"OPEN", "HEADERS", "CONTROL"})
    void emptyStructuredPayloadIsRejected(FrameType type) {
        int stream = type == FrameType.CONTROL ? 0 : 1;
        ProtocolException e = rejectAfterPreface(rawFrame(type.code(), 0, stream, Buffer.buffer()), ErrorCode.PROTOCOL_ERROR);
        assertEquals(type + " frame has a 0-byte payload, expected at least 1", e.getMessage());
    }

    @Test
    void windowUpdateOfZeroIsAFlowControlError() {
        ProtocolException e = rejectAfterPreface(FrameEncoder.windowUpdate(5, 0), ErrorCode.FLOW_CONTROL_ERROR);
        assertEquals("WINDOW_UPDATE on stream 5 has invalid increment 0", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(longs = {0x8000_0000L, 0xFFFF_FFFFL})
    void windowUpdateAboveTwoToTheThirtyOneMinusOneIsAFlowControlError(long increment) {
        Buffer frame = rawFrame(FrameType.WINDOW_UPDATE.code(), 0, 5, Buffer.buffer().appendUnsignedInt(increment));
        ProtocolException e = rejectAfterPreface(frame, ErrorCode.FLOW_CONTROL_ERROR);
        assertEquals("WINDOW_UPDATE on stream 5 has invalid increment " + increment, e.getMessage());
    }

    // ---------------------------------------------------------------- after a failure

    @Test
    void decoderStaysFailedAfterTheFirstError() throws ProtocolException {
        FrameDecoder decoder = new FrameDecoder();
        List<Frame> frames = new ArrayList<>();
        decoder.feed(FrameEncoder.preface().appendBuffer(FrameEncoder.ping(1, false)), frames::add);
        ProtocolException first = reject(decoder, rawFrame(0x33, 0, 1, Buffer.buffer()), ErrorCode.UNKNOWN_FRAME_TYPE);
        assertEquals(0, decoder.bufferedBytes(), "nothing is kept after a failure");
        for (Buffer valid : List.of(FrameEncoder.ping(2, false), FrameEncoder.data(1, Buffer.buffer("x")), Buffer.buffer())) {
            ProtocolException again = assertThrows(ProtocolException.class, () -> decoder.feed(valid, frames::add));
            assertSame(first, again);
        }
        assertEquals(1, frames.size(), "only the ping before the garbage");
    }

    @Test
    void framesBeforeTheViolationInTheSameChunkAreStillDelivered() {
        Buffer chunk = FrameEncoder.preface()
                .appendBuffer(FrameEncoder.data(1, Buffer.buffer("ok")))
                .appendBuffer(FrameEncoder.halfClose(1))
                .appendBuffer(FrameEncoder.windowUpdate(1, 0))
                .appendBuffer(FrameEncoder.data(1, Buffer.buffer("never")));
        FrameDecoder decoder = new FrameDecoder();
        List<FrameType> types = new ArrayList<>();
        ProtocolException e = assertThrows(ProtocolException.class, () -> decoder.feed(chunk, frame -> types.add(frame.type())));
        assertEquals(ErrorCode.FLOW_CONTROL_ERROR, e.code());
        assertEquals(List.of(FrameType.DATA, FrameType.HALF_CLOSE), types);
    }

    // ---------------------------------------------------------------- structured payloads inside valid frames

    @Test
    void garbageControlPayloadPassesTheDecoderAndFailsTheCodec() throws ProtocolException {
        List<Frame> frames = new ArrayList<>();
        new FrameDecoder(false, MAX).feed(rawFrame(FrameType.CONTROL.code(), 0, 0, Buffer.buffer("{\"v\":1,")), frames::add);
        ProtocolException e = assertThrows(ProtocolException.class, () -> ControlCodec.decode(frames.get(0).payload()));
        assertEquals(ErrorCode.BAD_CONTROL_MESSAGE, e.code());
    }

    @Test
    void controlMessageOfAnotherVersionFailsTheCodec() throws ProtocolException {
        List<Frame> frames = new ArrayList<>();
        Buffer json = Buffer.buffer("{\"v\":2,\"type\":\"auth\",\"authtoken\":\"t\"}".getBytes(StandardCharsets.UTF_8));
        new FrameDecoder(false, MAX).feed(rawFrame(FrameType.CONTROL.code(), 0, 0, json), frames::add);
        ProtocolException e = assertThrows(ProtocolException.class, () -> ControlCodec.decode(frames.get(0).payload()));
        assertEquals(ErrorCode.UNSUPPORTED_VERSION, e.code());
        assertEquals("control message version 2 is not supported (this side speaks 1)", e.getMessage());
    }

    @Test
    void truncatedOpenPayloadInAWholeFrameFailsTheCodec() throws ProtocolException {
        Buffer open = StreamOpen.http("ep", "c", new HttpRequestHead("GET", "/", List.of())).encode();
        List<Frame> frames = new ArrayList<>();
        new FrameDecoder(false, MAX).feed(rawFrame(FrameType.OPEN.code(), 0, 1, open.slice(0, open.length() - 1)), frames::add);
        ProtocolException e = assertThrows(ProtocolException.class, () -> StreamOpen.decode(frames.get(0).payload()));
        assertEquals(ErrorCode.PROTOCOL_ERROR, e.code());
        assertEquals("OPEN payload is truncated", e.getMessage());
    }
}
