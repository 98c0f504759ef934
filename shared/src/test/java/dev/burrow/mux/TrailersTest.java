package dev.burrow.mux;

import dev.burrow.protocol.ErrorCode;
import dev.burrow.protocol.FrameEncoder;
import dev.burrow.protocol.FrameType;
import dev.burrow.protocol.HttpTrailers;
import dev.burrow.protocol.StreamOpen;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.burrow.mux.MuxTesting.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * TRAILERS: sent after the last byte and before the half-close, to a peer that reads them; dropped for a peer that does
 * not (it would close the link on an unknown frame type); a second one, data after them, or an oversized one closes the
 * link.
 */
class TrailersTest extends MuxLinkTest {
    private static final HttpTrailers GRPC_OK = new HttpTrailers(List.of(Map.entry("grpc-status", "0"),
            Map.entry("grpc-message", ""), Map.entry("x-note", "kept")));

    @Test
    void trailersArriveAfterTheLastByteAndAreThereWhenTheEndIsDelivered() throws Exception {
        LinkedBlockingQueue<MuxStream> incoming = new LinkedBlockingQueue<>();
        MuxTestServer.Pair pair = pairCollectingStreams(incoming);
        pair.client().peerReadsTrailers(true);
        MuxStream edge = pair.client().openStream(StreamOpen.tcp("ep", null));
        MuxStream agent = MuxTesting.take(incoming);
        CompletableFuture<HttpTrailers> atEnd = new CompletableFuture<>();
        Buffer received = Buffer.buffer();
        agent.handler(received::appendBuffer);
        agent.endHandler(v -> atEnd.complete(agent.trailers()));
        Buffer body = MuxTesting.randomPayload(7, 300_000);
        edge.write(body);
        edge.end(GRPC_OK);
        assertEquals(GRPC_OK, atEnd.get(10, TimeUnit.SECONDS));
        assertEquals(body, received, "every byte before the trailers");
    }

    @Test
    void aPeerThatDoesNotReadTrailersGetsAPlainEnd() throws Exception {
        LinkedBlockingQueue<MuxStream> incoming = new LinkedBlockingQueue<>();
        MuxTestServer.Pair pair = pairCollectingStreams(incoming);
        MuxStream edge = pair.client().openStream(StreamOpen.tcp("ep", null));
        MuxStream agent = MuxTesting.take(incoming);
        CompletableFuture<HttpTrailers> atEnd = new CompletableFuture<>();
        agent.handler(data -> { }).endHandler(v -> atEnd.complete(agent.trailers()));
        edge.end(GRPC_OK);
        assertNull(atEnd.get(10, TimeUnit.SECONDS));
        assertFalse(pair.server().isClosed());
    }

    @Test
    void trailersOverTheLimitAreRefusedBeforeAnythingIsQueued() {
        String big = "x".repeat(HttpTrailers.MAX_PAYLOAD);
        assertThrows(IllegalArgumentException.class, () -> new HttpTrailers(List.of(Map.entry("x-big", big))));
    }

    @Test
    void anOversizedTrailersFrameClosesTheLinkFromItsHeader() throws Exception {
        assertLinkClosedBy(RawPeer.header(HttpTrailers.MAX_PAYLOAD + 1, FrameType.TRAILERS.code(), 0, 1),
                "TRAILERS frame has a 16385-byte payload, expected 2..16384");
    }

    @Test
    void aSecondTrailersFrameClosesTheLink() throws Exception {
        Buffer trailers = FrameEncoder.trailers(1, GRPC_OK);
        assertLinkClosedBy(trailers.copy().appendBuffer(trailers), "TRAILERS frame on stream 1 after its trailers or its half-close");
    }

    @Test
    void dataAfterTrailersClosesTheLink() throws Exception {
        assertLinkClosedBy(FrameEncoder.trailers(1, GRPC_OK).appendBuffer(FrameEncoder.data(1, Buffer.buffer("late"))),
                "DATA frame on stream 1 after its trailers");
    }

    private void assertLinkClosedBy(Buffer frames, String sentence) throws Exception {
        server = MuxTestServer.start(vertx, link -> link.incomingStreamHandler(stream -> { }));
        RawPeer peer = server.connectRaw();
        peer.sendPreface().send(FrameEncoder.open(1, StreamOpen.tcp("ep", null))).send(frames);
        LinkClosed closed = await(server.nextLink().closeFuture());
        assertEquals(ErrorCode.PROTOCOL_ERROR, closed.code());
        assertEquals(sentence, closed.message());
    }
}
