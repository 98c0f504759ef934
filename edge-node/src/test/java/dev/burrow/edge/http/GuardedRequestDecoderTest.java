package dev.burrow.edge.http;

import dev.burrow.edge.config.PublicHttpLimits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.http.HttpServerOptions;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The decoder in a channel of its own: what reaches the next handler, what is answered, when the timers fire. */
class GuardedRequestDecoderTest {
    private static final PublicHttpLimits LIMITS = new PublicHttpLimits(Duration.ofSeconds(10), Duration.ofSeconds(30), 100, Duration.ZERO);

    private final GuardedRequestDecoder decoder = new GuardedRequestDecoder(new HttpServerOptions(), new RequestHeadValidator(100),
            LIMITS, new RefusalLog());
    private final EmbeddedChannel channel = new EmbeddedChannel(decoder);

    private void send(String bytes) {
        channel.writeInbound(Unpooled.copiedBuffer(bytes, StandardCharsets.ISO_8859_1));
    }

    /** What reached the next handler: request URIs and body bytes, in order. */
    private List<String> decoded() {
        List<String> out = new ArrayList<>();
        Object message;
        while ((message = channel.readInbound()) != null) {
            if (message instanceof HttpRequest request) {
                out.add(request.uri());
            }
            if (message instanceof HttpContent content && content.content().isReadable()) {
                out.add("body:" + content.content().toString(StandardCharsets.ISO_8859_1));
            }
            if (message instanceof LastHttpContent) {
                out.add("end");
            }
            ReferenceCountUtil.release(message);
        }
        return out;
    }

    private String answered() {
        StringBuilder out = new StringBuilder();
        ByteBuf buf;
        while ((buf = channel.readOutbound()) != null) {
            out.append(buf.toString(StandardCharsets.ISO_8859_1));
            buf.release();
        }
        return out.toString();
    }

    @Test
    void aHeadSentByteByByteIsDecodedOnceWhole() {
        String head = "GET /slow HTTP/1.1\r\nHost: a.b\r\n\r\n";
        for (char c : head.toCharArray()) {
            send(String.valueOf(c));
        }
        assertEquals(List.of("/slow", "end"), decoded());
        assertTrue(channel.isOpen());
    }

    @Test
    void aBodyThatLooksLikeAHeadIsABodyAndTheHeadAfterItIsChecked() {
        String body = "GET /smuggled HTTP/1.1\r\nHost: a.b\r\nTransfer-Encoding: chunked\r\n\r\n";
        send("POST /up HTTP/1.1\r\nHost: a.b\r\nContent-Length: " + body.length() + "\r\n\r\n" + body
                + "GET /next HTTP/1.1\r\nHost: a.b\r\n\r\n");
        assertEquals(List.of("/up", "body:" + body, "end", "/next", "end"), decoded());
        assertEquals("", answered());
    }

    @Test
    void aBadHeadBehindAGoodOneIsAnsweredAfterTheGoodOnesResponse() {
        send("GET /good HTTP/1.1\r\nHost: a.b\r\n\r\n"
                + "POST /bad HTTP/1.1\r\nHost: a.b\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                + "GET /smuggled HTTP/1.1\r\nHost: a.b\r\n\r\n");
        assertEquals(List.of("/good", "end"), decoded());
        assertEquals("", answered(), "nothing may be written while /good is being answered");
        decoder.responseEnded();
        String answer = answered();
        assertTrue(answer.startsWith("HTTP/1.1 400 Bad Request\r\n"), answer);
        assertTrue(answer.contains("Content-Length and Transfer-Encoding"), answer);
        assertFalse(channel.isOpen());
        assertEquals(List.of(), decoded());
    }

    @Test
    void theChunksOfOneReadReachVertxAsOnePiece() {
        send("POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + "1\r\nx\r\n".repeat(1000) + "3\r\nabc\r\n");
        send("2\r\nde\r\n0\r\n\r\nGET /next HTTP/1.1\r\nHost: a\r\n\r\n");
        assertEquals(List.of("/up", "body:" + "x".repeat(1000) + "abc", "body:de", "end", "/next", "end"), decoded());
    }

    @Test
    void aBodyInOneByteChunksIsRefusedAfterTheBurstAndNothingAfterIsDecoded() {
        List<HeadRefusal> told = new ArrayList<>();
        send("POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n");
        decoder.exchangeStarted(told::add);
        int sent = 0;
        while (sent < 3 * Http2Limits.DATA_FRAME_BURST && told.isEmpty()) {
            send("1\r\nx\r\n".repeat(100));
            sent += 100;
            channel.runPendingTasks();
        }
        String body = String.join("", decoded().stream().filter(part -> part.startsWith("body:")).map(part -> part.substring(5)).toList());
        assertEquals(1, told.size());
        assertEquals(400, told.get(0).status());
        // The burst, what the bytes earned back (one piece per 32 bytes) and the refill of the test's few milliseconds;
        // the read that went over is dropped whole, and nothing after it reaches Vert.x.
        assertTrue(body.length() >= Http2Limits.DATA_FRAME_BURST && body.length() < Http2Limits.DATA_FRAME_BURST + 2_000,
                body.length() + " bytes");
        assertEquals(0, body.length() % 100);
        send("1\r\nx\r\n0\r\n\r\nGET /after HTTP/1.1\r\nHost: a\r\n\r\n");
        assertEquals(List.of(), decoded());
        assertNotNull(channel.pipeline().get(LingeringClose.NAME));
    }

    @Test
    void aBodyInChunksOf32BytesNeverRunsOutOfTheBudget() {
        send("POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n");
        String chunk = "20\r\n" + "y".repeat(Http2Limits.DATA_BYTES_PER_FRAME) + "\r\n";
        for (int i = 0; i < 3 * Http2Limits.DATA_FRAME_BURST / 100; i++) {
            send(chunk.repeat(100));
        }
        send("0\r\n\r\n");
        List<String> parts = decoded();
        assertEquals("end", parts.get(parts.size() - 1));
        assertEquals(3 * Http2Limits.DATA_FRAME_BURST / 100 + 2, parts.size());
        assertTrue(channel.isOpen());
        assertNull(channel.pipeline().get(LingeringClose.NAME));
    }

    @Test
    void aHalfHeadGets408AtTheHeadDeadline() {
        send("GET /half HTTP/1.1\r\nHost: a.b\r\n");
        channel.advanceTimeBy(9, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(channel.isOpen(), "open before the deadline");
        channel.advanceTimeBy(2, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(answered().startsWith("HTTP/1.1 408 Request Timeout\r\n"));
        assertFalse(channel.isOpen());
    }

    @Test
    void theIdleTimeoutRunsOnlyBetweenRequests() {
        send("GET /a HTTP/1.1\r\nHost: a.b\r\n\r\n");
        decoded();
        channel.advanceTimeBy(60, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(channel.isOpen(), "a request in flight is not idle");
        decoder.responseEnded();
        channel.advanceTimeBy(29, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertTrue(channel.isOpen());
        channel.advanceTimeBy(2, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertEquals("", answered(), "an idle connection is closed without an answer");
        assertFalse(channel.isOpen());
    }

    @Test
    void aHeadLargerThanTheLimitGets431WithoutWaitingForItsEnd() {
        send("GET / HTTP/1.1\r\nHost: a.b\r\nX-Big: " + "x".repeat(13_000));
        assertTrue(answered().startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
        assertFalse(channel.isOpen());
    }

    /** A channel whose guard hands connections that open with the HTTP/2 preface to {@code h2c}. */
    private static EmbeddedChannel withH2c(java.util.function.Consumer<ByteBuf> h2c) {
        return new EmbeddedChannel(new GuardedRequestDecoder(new HttpServerOptions(), new RequestHeadValidator(100), LIMITS,
                new RefusalLog(), h2c));
    }

    @Test
    void aConnectionOpeningWithTheHttp2PrefaceIsHandedOverWithEveryByteReadSoFar() {
        List<String> handed = new ArrayList<>();
        EmbeddedChannel h2c = withH2c(bytes -> {
            handed.add(bytes.toString(StandardCharsets.ISO_8859_1));
            bytes.release();
        });
        h2c.writeInbound(Unpooled.copiedBuffer("PRI * HTTP/2.0\r\n", StandardCharsets.ISO_8859_1));
        h2c.runPendingTasks();
        assertEquals(List.of(), handed, "a prefix of the preface: wait");
        h2c.writeInbound(Unpooled.copiedBuffer("\r\nSM\r\n\r\n\0\0\0\4", StandardCharsets.ISO_8859_1));
        assertFalse(h2c.config().isAutoRead(), "nothing more is read until the connection is on the hop");
        h2c.runPendingTasks();
        assertEquals(List.of("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\0\0\0\4"), handed);
        assertNull(h2c.readInbound(), "nothing was decoded as HTTP/1");
        assertNull(h2c.readOutbound(), "nothing was answered");
        h2c.finishAndReleaseAll();
    }

    @Test
    void aRequestThatOnlyStartsLikeThePrefaceIsHttp1() {
        List<String> handed = new ArrayList<>();
        EmbeddedChannel h2c = withH2c(bytes -> handed.add("handed"));
        h2c.writeInbound(Unpooled.copiedBuffer("PRI * HTTP/2.0\r\nHost: a.b\r\n\r\n", StandardCharsets.ISO_8859_1));
        h2c.runPendingTasks();
        assertEquals(List.of(), handed);
        ByteBuf answer = h2c.readOutbound();
        assertTrue(answer.toString(StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 505 "));
        answer.release();
        h2c.finishAndReleaseAll();
    }

    @Test
    void thePrefaceLaterOnAConnectionIsNotAHandOver() {
        List<String> handed = new ArrayList<>();
        EmbeddedChannel h2c = withH2c(bytes -> handed.add("handed"));
        h2c.writeInbound(Unpooled.copiedBuffer("GET /first HTTP/1.1\r\nHost: a.b\r\n\r\nPRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
                StandardCharsets.ISO_8859_1));
        h2c.runPendingTasks();
        assertEquals(List.of(), handed);
        HttpRequest first = h2c.readInbound();
        assertEquals("/first", first.uri());
        h2c.finishAndReleaseAll();
    }
}
