package dev.burrow.mux;

import dev.burrow.protocol.ErrorCode;
import dev.burrow.protocol.FrameEncoder;
import dev.burrow.protocol.ProtocolLimits;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static dev.burrow.mux.MuxTesting.await;
import static dev.burrow.mux.MuxTesting.collectBytes;
import static dev.burrow.mux.MuxTesting.tcpOpen;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile bytes from a raw socket to a real multiplexer: each closes that link with the right code, closes
 * the socket, and leaves other links on the same server working.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class HostileInputTest {
    private static Vertx vertx;
    private static MuxTestServer server;

    /** Streams named "echo" echo; streams named "hold" are never read (their window fills up). */
    @BeforeAll
    static void start(Vertx classVertx) {
        vertx = classVertx;
        server = MuxTestServer.start(vertx, link -> link.incomingStreamHandler(stream -> {
            if (stream.open().endpointId().equals("echo")) {
                stream.pipeTo(stream);
            } else {
                stream.pause();
            }
        }));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Stream<Arguments> hostileInputs() {
        Buffer preface = FrameEncoder.preface();
        return Stream.of(
                Arguments.of("garbage instead of the preface", ErrorCode.BAD_PREFACE, (Consumer<RawPeer>) peer ->
                        peer.send(Buffer.buffer("GET / HTTP/1.1\r\nHost: x\r\n\r\n", StandardCharsets.US_ASCII.name()))),
                Arguments.of("a newer protocol version", ErrorCode.UNSUPPORTED_VERSION, (Consumer<RawPeer>) peer ->
                        peer.send(Buffer.buffer(new byte[] {'B', 'U', 'R', 'R', 'O', 'W', 0, 9}))),
                Arguments.of("a frame longer than the maximum", ErrorCode.FRAME_TOO_LARGE, (Consumer<RawPeer>) peer ->
                        peer.send(preface.copy().appendBuffer(RawPeer.header(ProtocolLimits.MAX_FRAME_PAYLOAD + 1L, 0, 0, 1)))),
                Arguments.of("an unknown frame type", ErrorCode.UNKNOWN_FRAME_TYPE, (Consumer<RawPeer>) peer ->
                        peer.send(preface.copy().appendBuffer(RawPeer.header(0, 0x7f, 0, 1)))),
                Arguments.of("data on a stream never opened", ErrorCode.STREAM_NOT_OPEN, (Consumer<RawPeer>) peer ->
                        peer.send(preface.copy().appendBuffer(FrameEncoder.data(3, Buffer.buffer("hi"))))),
                Arguments.of("data on a local-parity stream never opened", ErrorCode.STREAM_NOT_OPEN, (Consumer<RawPeer>) peer ->
                        peer.send(preface.copy().appendBuffer(FrameEncoder.data(1000, Buffer.buffer("hi"))))),
                Arguments.of("data beyond the window", ErrorCode.FLOW_CONTROL_ERROR, (Consumer<RawPeer>) peer -> {
                    peer.sendPreface().send(FrameEncoder.open(1, tcpOpen("hold")));
                    Buffer chunk = Buffer.buffer(new byte[ProtocolLimits.MAX_DATA_PAYLOAD]);
                    for (int sent = 0; sent < ProtocolLimits.INITIAL_STREAM_WINDOW; sent += chunk.length()) {
                        peer.send(FrameEncoder.data(1, chunk));
                    }
                    peer.send(FrameEncoder.data(1, Buffer.buffer("1")));
                }),
                Arguments.of("a window update past 2^31-1", ErrorCode.FLOW_CONTROL_ERROR, (Consumer<RawPeer>) peer ->
                        peer.sendPreface().send(FrameEncoder.open(1, tcpOpen("hold"))).send(FrameEncoder.windowUpdate(1, Integer.MAX_VALUE))),
                Arguments.of("an OPEN reusing a stream id", ErrorCode.PROTOCOL_ERROR, (Consumer<RawPeer>) peer ->
                        peer.sendPreface().send(FrameEncoder.open(1, tcpOpen("hold"))).send(FrameEncoder.open(1, tcpOpen("hold")))),
                Arguments.of("an OPEN with the wrong parity", ErrorCode.PROTOCOL_ERROR, (Consumer<RawPeer>) peer ->
                        peer.sendPreface().send(FrameEncoder.open(2, tcpOpen("hold")))),
                Arguments.of("a control message that is not JSON", ErrorCode.BAD_CONTROL_MESSAGE, (Consumer<RawPeer>) peer ->
                        peer.sendPreface().send(FrameEncoder.frame(dev.burrow.protocol.FrameType.CONTROL, 0, 0, Buffer.buffer("{nope")))),
                Arguments.of("a truncated frame, then close", ErrorCode.PROTOCOL_ERROR, (Consumer<RawPeer>) peer -> {
                    peer.send(preface.copy().appendBuffer(RawPeer.header(100, 0, 0, 1)).appendBuffer(Buffer.buffer("only twenty bytes...")));
                    peer.close();
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileInputs")
    void hostileInputClosesOnlyThatLink(String what, ErrorCode expected, Consumer<RawPeer> attack) {
        // A healthy link, established before the attack, on the same server.
        StreamMultiplexer healthy = server.connect(link -> { });
        StreamMultiplexer healthyAtServer = server.nextLink();
        assertEquals("before", echo(healthy, "before"));

        RawPeer peer = server.connectRaw();
        StreamMultiplexer attacked = server.nextLink();
        attack.accept(peer);

        LinkClosed closed = await(attacked.closeFuture());
        assertEquals(expected, closed.code(), what + ": " + closed);
        assertFalse(closed.byPeer() && expected != ErrorCode.PROTOCOL_ERROR, "this side closed the link: " + closed);
        await(peer.closedFuture());
        assertTrue(attacked.isClosed());
        assertEquals(0, attacked.openStreamCount());

        assertFalse(healthyAtServer.isClosed(), "another link was touched");
        assertEquals("after", echo(healthy, "after"));
        StreamMultiplexer fresh = server.connect(link -> { });
        server.nextLink();
        assertEquals("fresh", echo(fresh, "fresh"));
        healthy.close(ErrorCode.NO_ERROR, "done");
        fresh.close(ErrorCode.NO_ERROR, "done");
    }

    private static String echo(StreamMultiplexer link, String text) {
        MuxStream stream = link.openStream(tcpOpen("echo"));
        var back = collectBytes(stream);
        stream.write(Buffer.buffer(text));
        stream.end();
        return await(back).toString();
    }
}
