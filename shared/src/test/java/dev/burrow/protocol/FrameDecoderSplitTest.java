package dev.burrow.protocol;

import dev.burrow.protocol.DecoderHarness.Decoded;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dev.burrow.protocol.DecoderHarness.decodeAtOnce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The decoder as the link drives it: reads arrive as pooled direct Netty buffers that the link releases right after
 * {@link FrameDecoder#feed(ByteBuf, java.util.function.Consumer)}, cut anywhere by TCP and TLS records.
 */
class FrameDecoderSplitTest {
    private static final PooledByteBufAllocator POOL = PooledByteBufAllocator.DEFAULT;

    /** Preface and one frame of each kind a request uses, with payloads of 0, 3, 4, 8 and 300 bytes. */
    private static Buffer smallTranscript() {
        byte[] body = new byte[300];
        new Random(5).nextBytes(body);
        return FrameEncoder.preface()
                .appendBuffer(FrameEncoder.open(1, StreamOpen.tcp("ep", "192.0.2.1:1")))
                .appendBuffer(FrameEncoder.data(1, Buffer.buffer("abc")))
                .appendBuffer(FrameEncoder.halfClose(1))
                .appendBuffer(FrameEncoder.windowUpdate(1, 4096))
                .appendBuffer(FrameEncoder.data(1, Buffer.buffer(body)))
                .appendBuffer(FrameEncoder.ping(7, true));
    }

    @Test
    void everyPairOfSplitPointsGivesTheSameFrames() throws ProtocolException {
        Buffer bytes = smallTranscript();
        List<Decoded> expected = decodeAtOnce(bytes);
        assertEquals(6, expected.size());
        int n = bytes.length();
        for (int first = 0; first <= n; first++) {
            for (int second = first; second <= n; second++) {
                FrameDecoder decoder = new FrameDecoder();
                List<Decoded> frames = new ArrayList<>();
                feedDirect(decoder, bytes, 0, first, frames);
                feedDirect(decoder, bytes, first, second, frames);
                feedDirect(decoder, bytes, second, n, frames);
                assertEquals(expected, frames, "split at " + first + " and " + second);
                assertEquals(0, decoder.bufferedBytes());
            }
        }
    }

    /** A maximal DATA frame between two small ones, cut at every byte around each frame boundary and header. */
    @Test
    void aLargeFrameSplitAtEveryByteNearItsBoundariesDecodesWhole() throws ProtocolException {
        byte[] body = new byte[ProtocolLimits.MAX_DATA_PAYLOAD];
        new Random(9).nextBytes(body);
        Buffer bytes = FrameEncoder.preface()
                .appendBuffer(FrameEncoder.halfClose(3))
                .appendBuffer(FrameEncoder.data(3, Buffer.buffer(body)))
                .appendBuffer(FrameEncoder.ping(1, false));
        List<Decoded> expected = decodeAtOnce(bytes);
        int dataStart = 8 + 10;
        int dataEnd = dataStart + 10 + body.length;
        List<Integer> splits = new ArrayList<>();
        for (int i = 0; i <= dataStart + 40; i++) {
            splits.add(i);
        }
        for (int i = dataEnd - 40; i <= bytes.length(); i++) {
            splits.add(i);
        }
        for (int split : splits) {
            FrameDecoder decoder = new FrameDecoder();
            List<Decoded> frames = new ArrayList<>();
            feedDirect(decoder, bytes, 0, split, frames);
            int lastWhole = 0;
            for (int boundary : new int[] {8, dataStart, dataEnd, bytes.length()}) {
                lastWhole = boundary <= split ? boundary : lastWhole;
            }
            assertEquals(split - lastWhole, decoder.bufferedBytes(), "bytes held after a cut at " + split);
            feedDirect(decoder, bytes, split, bytes.length(), frames);
            assertEquals(expected, frames, "split at " + split);
            assertEquals(0, decoder.bufferedBytes());
        }
    }

    /**
     * A peer that declares the largest payload and sends none of it (per connection, before its handshake is done)
     * makes the decoder reserve nothing; as the payload comes in small reads the buffer grows with what arrived (never
     * past twice that, never past the declared size), and the frame still decodes byte for byte.
     */
    @Test
    void aDeclaredLengthReservesOnlyWhatArrivedAndTheFrameStillDecodesInSmallReads() throws ProtocolException {
        byte[] body = new byte[ProtocolLimits.MAX_FRAME_PAYLOAD];
        new Random(13).nextBytes(body);
        Buffer bytes = FrameEncoder.preface().appendBuffer(FrameEncoder.data(5, Buffer.buffer(body)));
        List<Decoded> expected = decodeAtOnce(bytes);
        FrameDecoder decoder = new FrameDecoder();
        List<Decoded> frames = new ArrayList<>();
        int headerEnd = 8 + 10;
        feedDirect(decoder, bytes, 0, headerEnd, frames);
        assertEquals(0, decoder.reservedBytes(), "a header alone reserves nothing");
        int maxReserved = 0;
        for (int offset = headerEnd; offset < bytes.length(); offset += 1500) {
            feedDirect(decoder, bytes, offset, Math.min(bytes.length(), offset + 1500), frames);
            if (frames.isEmpty()) {
                assertTrue(decoder.reservedBytes() <= 2 * decoder.bufferedBytes(),
                        decoder.reservedBytes() + " reserved for " + decoder.bufferedBytes() + " received");
                maxReserved = Math.max(maxReserved, decoder.reservedBytes());
            }
        }
        assertEquals(expected, frames);
        assertEquals(ProtocolLimits.MAX_FRAME_PAYLOAD, maxReserved, "never more than the declared length");
        assertEquals(0, decoder.reservedBytes());
    }

    /**
     * A DATA frame's header alone, for a stream the receiver has open, gets the whole frame's buffer at once (a download's
     * frames are not regrown read after read); for a stream it does not have open, nothing.
     */
    @Test
    void aDataHeaderReservesAheadOnlyForAStreamTheReceiverHasOpen() throws ProtocolException {
        Buffer bytes = FrameEncoder.preface().appendBuffer(FrameEncoder.data(5, Buffer.buffer(new byte[ProtocolLimits.MAX_DATA_PAYLOAD])))
                .appendBuffer(FrameEncoder.data(7, Buffer.buffer(new byte[ProtocolLimits.MAX_DATA_PAYLOAD])));
        FrameDecoder decoder = new FrameDecoder();
        decoder.reservesAheadFor(streamId -> streamId == 5);
        List<Decoded> frames = new ArrayList<>();
        int firstHeaderEnd = 8 + 10;
        feedDirect(decoder, bytes, 0, firstHeaderEnd, frames);
        assertEquals(FrameDecoder.SPLIT_PAYLOAD_START, decoder.reservedBytes());
        int secondHeaderEnd = firstHeaderEnd + ProtocolLimits.MAX_DATA_PAYLOAD + 10;
        feedDirect(decoder, bytes, firstHeaderEnd, secondHeaderEnd, frames);
        assertEquals(1, frames.size());
        assertEquals(0, decoder.reservedBytes(), "stream 7 is not open here");
        feedDirect(decoder, bytes, secondHeaderEnd, bytes.length(), frames);
        assertEquals(decodeAtOnce(bytes), frames);
    }

    @Test
    void payloadsDoNotReferToTheReadTheyCameIn() throws ProtocolException {
        Buffer bytes = smallTranscript();
        List<Decoded> expected = decodeAtOnce(bytes);
        FrameDecoder decoder = new FrameDecoder();
        List<Frame> kept = new ArrayList<>();
        Random random = new Random(11);
        for (int offset = 0; offset < bytes.length(); ) {
            int end = Math.min(bytes.length(), offset + 1 + random.nextInt(40));
            ByteBuf read = direct(bytes, offset, end);
            decoder.feed(read, kept::add);
            assertEquals(0, read.readableBytes(), "the decoder consumes the whole read");
            assertEquals(1, read.refCnt(), "the caller keeps its read: the decoder neither retains nor releases it");
            read.setZero(0, read.capacity());
            read.release();
            offset = end;
        }
        assertEquals(expected, kept.stream().map(Decoded::of).toList(), "payloads survive the reuse of the pooled reads");
    }

    @Test
    void aDirectReadAndAVertxBufferDecodeAlike() throws ProtocolException {
        Buffer bytes = smallTranscript();
        FrameDecoder decoder = new FrameDecoder();
        List<Decoded> frames = new ArrayList<>();
        feedDirect(decoder, bytes, 0, bytes.length(), frames);
        assertEquals(decodeAtOnce(bytes), frames);
        assertEquals(bytes.length(), ((BufferInternal) bytes).getByteBuf().readableBytes(), "feeding a Buffer leaves it as it was");
    }

    private static void feedDirect(FrameDecoder decoder, Buffer bytes, int from, int to, List<Decoded> frames) throws ProtocolException {
        ByteBuf read = direct(bytes, from, to);
        try {
            decoder.feed(read, frame -> frames.add(Decoded.of(frame)));
        } finally {
            read.release();
        }
    }

    private static ByteBuf direct(Buffer bytes, int from, int to) {
        ByteBuf read = POOL.directBuffer(Math.max(1, to - from));
        read.writeBytes(bytes.getBytes(from, to));
        return read;
    }
}
