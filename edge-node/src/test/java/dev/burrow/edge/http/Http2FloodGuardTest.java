package dev.burrow.edge.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The guard and the idle timeout in front of Netty's own HTTP/2 server codec, in a channel of their own: what a flood
 * gets (GOAWAY and its code, after how many frames), what a client that behaves gets (nothing but its answers).
 */
class Http2FloodGuardTest {
    private static final int DATA = 0x0, SETTINGS = 0x4, PING = 0x6, GOAWAY = 0x7, WINDOW_UPDATE = 0x8, HEADERS = 0x1, CONTINUATION = 0x9;
    private static final int END_STREAM = 0x1, END_HEADERS = 0x4;
    private static final long ENHANCE_YOUR_CALM = 0xb, NO_ERROR = 0x0;

    private final Http2ConnectionHandler codec = new Http2ConnectionHandlerBuilder().server(true)
            .frameListener(new Http2FrameAdapter()).build();
    private final EmbeddedChannel channel = new EmbeddedChannel(codec);
    private final ByteArrayOutputStream answered = new ByteArrayOutputStream();

    Http2FloodGuardTest() {
        channel.writeInbound(Unpooled.wrappedBuffer(Http2CodecUtil.connectionPrefaceBuf(), Unpooled.wrappedBuffer(frame(SETTINGS, 0, 0, new byte[0]))));
        Http2FloodGuard.install(channel.pipeline(), codec, "test client", new RefusalLog());
        drainAnswers();
    }

    private static byte[] frame(int type, int flags, int stream, byte[] payload) {
        return ByteBuffer.allocate(9 + payload.length).put((byte) (payload.length >>> 16)).put((byte) (payload.length >>> 8))
                .put((byte) payload.length).put((byte) type).put((byte) flags).putInt(stream).put(payload).array();
    }

    private static byte[] headerBlock(int stream, String path) {
        ByteBuf block = Unpooled.buffer();
        try {
            new DefaultHttp2HeadersEncoder().encodeHeaders(stream, new DefaultHttp2Headers().method("GET").scheme("https")
                    .authority("web.localhost").path(path), block);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return ByteBufUtil.getBytes(block);
    }

    /** Sends {@code frame} up to {@code count} times, 100 to a read, until the channel closes; returns how many went in. */
    private int flood(byte[] frame, int count) {
        int sent = 0;
        while (sent < count && channel.isOpen()) {
            byte[] batch = new byte[frame.length * 100];
            for (int i = 0; i < 100; i++) {
                System.arraycopy(frame, 0, batch, i * frame.length, frame.length);
            }
            channel.writeInbound(Unpooled.wrappedBuffer(batch));
            sent += 100;
        }
        return sent;
    }

    private void drainAnswers() {
        ByteBuf out;
        while ((out = channel.readOutbound()) != null) {
            answered.writeBytes(ByteBufUtil.getBytes(out));
            out.release();
        }
    }

    /** The error codes of the GOAWAY frames the client was sent. */
    private List<Long> goAwayCodes() {
        drainAnswers();
        ByteBuffer bytes = ByteBuffer.wrap(answered.toByteArray());
        List<Long> codes = new ArrayList<>();
        while (bytes.remaining() >= 9) {
            int length = ((bytes.get() & 0xff) << 16) | ((bytes.get() & 0xff) << 8) | (bytes.get() & 0xff);
            int type = bytes.get();
            bytes.get();
            bytes.getInt();
            int payloadStart = bytes.position();
            if (type == GOAWAY) {
                bytes.getInt();
                codes.add(bytes.getInt() & 0xffffffffL);
            }
            bytes.position(payloadStart + length);
        }
        return codes;
    }

    @Test
    void aSettingsFloodGetsEnhanceYourCalmAfterTheBurst() {
        int sent = flood(frame(SETTINGS, 0, 0, new byte[0]), 100_000);
        assertEquals(List.of(ENHANCE_YOUR_CALM), goAwayCodes());
        assertFalse(channel.isOpen());
        assertTrue(sent <= Http2Limits.OVERHEAD_FRAME_BURST + 100, sent + " frames went in");
    }

    @Test
    void pingWindowUpdateAndUnknownFramesFloodsAreEachCutOff() {
        for (byte[] frame : List.of(frame(PING, 0, 0, new byte[8]), frame(WINDOW_UPDATE, 0, 0, new byte[] {0, 0, 0, 1}),
                frame(0x20, 0, 0, new byte[0]))) {
            Http2FloodGuardTest fresh = new Http2FloodGuardTest();
            int sent = fresh.flood(frame, 100_000);
            assertEquals(List.of(ENHANCE_YOUR_CALM), fresh.goAwayCodes(), "frame type " + frame[3]);
            assertTrue(sent <= Http2Limits.OVERHEAD_FRAME_BURST + 100, sent + " frames went in");
        }
    }

    @Test
    void emptyContinuationFramesAreCutOffAfterAMegabyte() {
        channel.writeInbound(Unpooled.wrappedBuffer(frame(HEADERS, END_STREAM, 1, headerBlock(1, "/flood"))));
        int sent = flood(frame(CONTINUATION, 0, 1, new byte[0]), 1_000_000);
        assertEquals(List.of(ENHANCE_YOUR_CALM), goAwayCodes());
        assertTrue(sent * 9L <= Http2Limits.MAX_BYTES_WITHOUT_A_FRAME + 900, sent + " frames went in");
        assertTrue(sent * 9L >= Http2Limits.MAX_BYTES_WITHOUT_A_FRAME, sent + " frames went in");
    }

    @Test
    void aBusyClientThatPingsAndAcknowledgesIsNeverCutOff() {
        // 2 000 requests, each followed by a WINDOW_UPDATE and every tenth by a PING: far more overhead than curl, h2load
        // or a browser sends, about one frame for each request.
        channel.writeInbound(Unpooled.wrappedBuffer(frame(WINDOW_UPDATE, 0, 0, new byte[] {0, 0x0f, 0, 0})));
        for (int stream = 1; stream < 4_000; stream += 2) {
            channel.writeInbound(Unpooled.wrappedBuffer(frame(HEADERS, END_STREAM | END_HEADERS, stream, headerBlock(stream, "/r" + stream)),
                    frame(WINDOW_UPDATE, 0, 0, new byte[] {0, 0, 0x40, 0})));
            if (stream % 20 == 1) {
                channel.writeInbound(Unpooled.wrappedBuffer(frame(PING, 0, 0, new byte[8])));
            }
        }
        assertEquals(List.of(), goAwayCodes());
        assertTrue(channel.isOpen());
    }

    /** Opens stream 1 as an upload whose body is still to come. */
    private void openUpload() {
        channel.writeInbound(Unpooled.wrappedBuffer(frame(HEADERS, END_HEADERS, 1, headerBlock(1, "/upload"))));
    }

    @Test
    void aBodySentOneByteAFrameGetsEnhanceYourCalmAfterTheBurst() {
        openUpload();
        long started = System.nanoTime();
        int sent = flood(frame(DATA, 0, 1, new byte[] {'x'}), 60_000);
        double seconds = (System.nanoTime() - started) / 1e9;
        assertEquals(List.of(ENHANCE_YOUR_CALM), goAwayCodes());
        assertFalse(channel.isOpen());
        // The burst, what the time the flood took refilled, and one frame per 32 of the frames' own bytes; a batch of 100.
        double allowed = (Http2Limits.DATA_FRAME_BURST + Http2Limits.DATA_FRAMES_PER_SECOND * seconds)
                * Http2Limits.DATA_BYTES_PER_FRAME / (Http2Limits.DATA_BYTES_PER_FRAME - 1) + 100;
        assertTrue(sent >= Http2Limits.DATA_FRAME_BURST && sent <= allowed, sent + " frames went in, " + allowed + " allowed");
    }

    @Test
    void anUploadWhoseFramesCarryTheirWeightIsNeverCutOff() {
        openUpload();
        // Twice the burst of 1 KiB frames, each followed by a 1-byte one (the small frames a flow-control window's edge
        // makes), then twice the burst of frames of exactly DATA_BYTES_PER_FRAME bytes: nothing is counted against them.
        byte[] kib = frame(DATA, 0, 1, new byte[1024]);
        byte[] oneByte = frame(DATA, 0, 1, new byte[] {'x'});
        for (int i = 0; i < 2 * Http2Limits.DATA_FRAME_BURST; i++) {
            channel.writeInbound(Unpooled.wrappedBuffer(kib, oneByte));
        }
        flood(frame(DATA, 0, 1, new byte[Http2Limits.DATA_BYTES_PER_FRAME]), 2 * Http2Limits.DATA_FRAME_BURST);
        channel.writeInbound(Unpooled.wrappedBuffer(frame(DATA, END_STREAM, 1, new byte[] {'x'})));
        assertEquals(List.of(), goAwayCodes());
        assertTrue(channel.isOpen());
    }

    @Test
    void aConnectionWithoutStreamsGetsGoawayAfterTheIdleTimeoutWhateverItPings() {
        channel.freezeTime();
        Http2IdleTimeout.start(channel, codec.connection(), Duration.ofSeconds(3), Duration.ofSeconds(3));
        for (int tenth = 0; tenth < 29; tenth++) {
            channel.writeInbound(Unpooled.wrappedBuffer(frame(PING, 0, 0, new byte[8])));
            advance(100);
        }
        assertGoawayNoErrorWithinTheNext100Ms();
    }

    @Test
    void aConnectionThatNeverOpensAStreamGetsGoawayAfterTheHeadTimeoutWhateverItTrickles() {
        channel.freezeTime();
        Http2IdleTimeout.start(channel, codec.connection(), Duration.ofSeconds(2), Duration.ofSeconds(60));
        // A HEADERS frame a byte at a time, a byte every 100 ms: it never ends, and the clock does not care.
        byte[] headers = frame(HEADERS, END_HEADERS, 1, headerBlock(1, "/trickled"));
        for (int tenth = 0; tenth < 19; tenth++) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {headers[tenth]}));
            advance(100);
        }
        assertGoawayNoErrorWithinTheNext100Ms();
    }

    @Test
    void afterItsFirstStreamAConnectionGetsTheIdleTimeoutNotTheHeadTimeout() {
        channel.freezeTime();
        Http2IdleTimeout.start(channel, codec.connection(), Duration.ofSeconds(2), Duration.ofSeconds(5));
        channel.writeInbound(Unpooled.wrappedBuffer(frame(HEADERS, END_HEADERS | END_STREAM, 1, headerBlock(1, "/first"))));
        codec.connection().stream(1).close();
        advance(4900);
        assertGoawayNoErrorWithinTheNext100Ms();
    }

    private void advance(long millis) {
        channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
    }

    /** Open now, and 100 ms later ended with GOAWAY {@code NO_ERROR} and closed. */
    private void assertGoawayNoErrorWithinTheNext100Ms() {
        assertTrue(channel.isOpen());
        advance(100);
        assertEquals(List.of(NO_ERROR), goAwayCodes());
        assertFalse(channel.isOpen());
    }

    @Test
    void anOpenStreamStopsTheIdleClock() {
        channel.freezeTime();
        Http2IdleTimeout.start(channel, codec.connection(), Duration.ofSeconds(3), Duration.ofSeconds(3));
        channel.writeInbound(Unpooled.wrappedBuffer(frame(HEADERS, END_HEADERS, 1, headerBlock(1, "/slow-upload"))));
        channel.advanceTimeBy(10, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertEquals(List.of(), goAwayCodes());
        assertTrue(channel.isOpen());
    }
}
