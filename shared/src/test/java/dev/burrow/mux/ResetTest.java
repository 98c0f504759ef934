package dev.burrow.mux;

import dev.burrow.protocol.ErrorCode;
import dev.burrow.protocol.Frame;
import dev.burrow.protocol.FrameEncoder;
import dev.burrow.protocol.FramePayloads;
import dev.burrow.protocol.FrameType;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import org.junit.jupiter.api.Test;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.burrow.mux.MuxTesting.await;
import static dev.burrow.mux.MuxTesting.awaitCondition;
import static dev.burrow.mux.MuxTesting.awaitFailure;
import static dev.burrow.mux.MuxTesting.tcpOpen;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RESET from either side, late frames after a reset, and what pipeTo does when a stream is reset. */
class ResetTest extends MuxLinkTest {
    @Test
    void clientResetReachesServerWithCodeAndMessage() throws Exception {
        LinkedBlockingQueue<MuxStream> incoming = new LinkedBlockingQueue<>();
        MuxTestServer.Pair pair = pairCollectingStreams(incoming);
        MuxStream client = pair.client().openStream(tcpOpen("ep"));
        MuxStream atServer = MuxTesting.take(incoming);
        Future<Throwable> serverFailure = MuxTesting.failureOf(atServer);
        Future<Throwable> clientFailure = MuxTesting.failureOf(client);

        client.reset(ErrorCode.UPSTREAM_TIMEOUT, "upstream did not answer within 30 s");
        StreamResetException reset = assertInstanceOf(StreamResetException.class, await(serverFailure));
        assertEquals(ErrorCode.UPSTREAM_TIMEOUT, reset.code());
        assertEquals("upstream did not answer within 30 s", reset.getMessage());
        assertTrue(reset.byPeer());
        await(atServer.closed());
        await(client.closed());
        assertFalse(clientFailure.isComplete(), "the side that resets is not told about its own reset");
        StreamResetException refused = assertInstanceOf(StreamResetException.class, awaitFailure(client.write(Buffer.buffer("x"))));
        assertEquals(ErrorCode.UPSTREAM_TIMEOUT, refused.code());
        assertFalse(pair.client().isClosed());
        assertFalse(pair.server().isClosed());
    }

    @Test
    void serverResetReachesClientEvenIfItsHandlerIsSetLate() throws Exception {
        LinkedBlockingQueue<MuxStream> incoming = new LinkedBlockingQueue<>();
        MuxTestServer.Pair pair = pairCollectingStreams(incoming);
        MuxStream client = pair.client().openStream(tcpOpen("ep"));
        client.write(Buffer.buffer("some bytes"));
        MuxTesting.take(incoming).reset(ErrorCode.ENDPOINT_NOT_FOUND, "no such endpoint");
        await(client.closed());
        StreamResetException reset = assertInstanceOf(StreamResetException.class, await(MuxTesting.failureOf(client)));
        assertEquals(ErrorCode.ENDPOINT_NOT_FOUND, reset.code());
        assertEquals("no such endpoint", reset.getMessage());
        awaitCondition("both links forget the stream", () -> pair.client().openStreamCount() == 0 && pair.server().openStreamCount() == 0);
    }

    @Test
    void lateFramesForAResetStreamAreIgnored() {
        // The multiplexer resets every stream the raw peer opens; the peer keeps sending on it as if it had
        // not seen the RESET yet.
        server = MuxTestServer.start(vertx, link -> link.incomingStreamHandler(stream -> stream.reset(ErrorCode.STREAM_CANCELLED, "no")));
        RawPeer peer = server.connectRaw();
        peer.sendPreface().send(FrameEncoder.open(1, tcpOpen("raw")));
        Frame reset = peer.next(FrameType.RESET);
        assertEquals(1, reset.streamId());
        assertEquals(ErrorCode.STREAM_CANCELLED, FramePayloads.reset(reset.payload()).code());

        peer.send(FrameEncoder.data(1, Buffer.buffer("late data")))
                .send(FrameEncoder.windowUpdate(1, 1000))
                .send(FrameEncoder.halfClose(1))
                .send(FrameEncoder.reset(1, ErrorCode.STREAM_CANCELLED, "late reset"))
                .send(FrameEncoder.ping(7, false));
        assertEquals(7, peer.next(FrameType.PING).payload().getLong(0), "the link is still up and answering");
        assertFalse(server.nextLink().isClosed());
    }

    @Test
    void throwingHandlerResetsOnlyItsStream() throws Exception {
        LinkedBlockingQueue<MuxStream> incoming = new LinkedBlockingQueue<>();
        server = MuxTestServer.start(vertx, link -> link.incomingStreamHandler(stream -> {
            if (stream.open().endpointId().equals("bad")) {
                stream.handler(b -> {
                    throw new IllegalStateException("bug in a handler");
                });
            } else {
                incoming.add(stream);
            }
        }));
        MuxTestServer.Pair pair = server.pair(link -> { });
        MuxStream good = pair.client().openStream(tcpOpen("good"));
        MuxStream bad = pair.client().openStream(tcpOpen("bad"));
        Future<Throwable> badFailure = MuxTesting.failureOf(bad);
        bad.write(Buffer.buffer("boom"));
        assertEquals(ErrorCode.INTERNAL_ERROR, ((StreamResetException) await(badFailure)).code());

        var atServer = MuxTesting.collectBytes(MuxTesting.take(incoming));
        good.write(Buffer.buffer("still fine"));
        good.end();
        assertEquals("still fine", await(atServer).toString());
        assertFalse(pair.server().isClosed());
    }

    /** Vert.x 5 pipeTo: a reset source fails the pipe and, by default, still ends (half-closes) the destination. */
    @Test
    void pipeFromResetSourceFailsAndEndsTheDestination() throws Exception {
        LinkedBlockingQueue<MuxStream> incoming = new LinkedBlockingQueue<>();
        MuxTestServer.Pair pair = pairCollectingStreams(incoming);
        MuxStream client = pair.client().openStream(tcpOpen("ep"));
        MuxStream atServer = MuxTesting.take(incoming);
        RecordingWriteStream sink = new RecordingWriteStream();
        Future<Void> piped = atServer.pipeTo(sink);
        client.write(Buffer.buffer("partial"));
        awaitCondition("the first bytes went through", () -> sink.bytes.get() == 7);
        client.reset(ErrorCode.UPSTREAM_ERROR, "upstream broke");

        StreamResetException failure = assertInstanceOf(StreamResetException.class, awaitFailure(piped));
        assertEquals(ErrorCode.UPSTREAM_ERROR, failure.code());
        assertEquals(1, sink.ends.get(), "Vert.x ends the destination on a source failure unless endOnFailure(false)");

        MuxStream second = pair.client().openStream(tcpOpen("ep"));
        MuxStream secondAtServer = MuxTesting.take(incoming);
        RecordingWriteStream keptOpen = new RecordingWriteStream();
        Future<Void> pipedNoEnd = secondAtServer.pipe().endOnFailure(false).to(keptOpen);
        second.reset(ErrorCode.UPSTREAM_ERROR, "again");
        awaitFailure(pipedNoEnd);
        assertEquals(0, keptOpen.ends.get());
    }

    /** A pipe waiting for drain on a stream that is then reset wakes up and fails, rather than hanging. */
    @Test
    void pipeIntoStreamResetWhileWaitingForDrainFails() throws Exception {
        LinkedBlockingQueue<MuxStream> incoming = new LinkedBlockingQueue<>();
        server = MuxTestServer.start(vertx, link -> link.incomingStreamHandler(stream -> {
            stream.pause(); // never reads: the client's window and then its queue fill up
            incoming.add(stream);
        }));
        MuxTestServer.Pair pair = server.pair(link -> { });
        MuxStream client = pair.client().openStream(tcpOpen("ep"));
        GeneratorStream endless = new GeneratorStream(vertx.getOrCreateContext(), 5, Long.MAX_VALUE);
        Future<Void> piped = endless.pipeTo(client);
        MuxStream atServer = MuxTesting.take(incoming);
        awaitCondition("the client queue is full", client::writeQueueFull);
        atServer.reset(ErrorCode.STREAM_CANCELLED, "client went away");
        StreamResetException failure = assertInstanceOf(StreamResetException.class, awaitFailure(piped));
        assertEquals(ErrorCode.STREAM_CANCELLED, failure.code());
    }

    @Test
    void resetOfManyStreamsLeavesNoState() throws Exception {
        AtomicInteger seen = new AtomicInteger();
        server = MuxTestServer.start(vertx, link -> link.incomingStreamHandler(stream -> {
            seen.incrementAndGet();
            stream.handler(b -> stream.reset(ErrorCode.STREAM_CANCELLED, "enough"));
        }));
        MuxTestServer.Pair pair = server.pair(link -> { });
        for (int i = 0; i < 500; i++) {
            MuxStream stream = pair.client().openStream(tcpOpen("ep"));
            stream.write(Buffer.buffer("x"));
        }
        awaitCondition("all streams reset and forgotten",
                () -> seen.get() == 500 && pair.client().openStreamCount() == 0 && pair.server().openStreamCount() == 0);
    }

    /** Counts writes and ends; never full. */
    static final class RecordingWriteStream implements WriteStream<Buffer> {
        final AtomicInteger bytes = new AtomicInteger();
        final AtomicInteger ends = new AtomicInteger();

        @Override
        public WriteStream<Buffer> exceptionHandler(io.vertx.core.Handler<Throwable> handler) {
            return this;
        }

        @Override
        public Future<Void> write(Buffer data) {
            bytes.addAndGet(data.length());
            return Future.succeededFuture();
        }

        @Override
        public Future<Void> end() {
            ends.incrementAndGet();
            return Future.succeededFuture();
        }

        @Override
        public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
            return this;
        }

        @Override
        public boolean writeQueueFull() {
            return false;
        }

        @Override
        public WriteStream<Buffer> drainHandler(io.vertx.core.Handler<Void> handler) {
            return this;
        }
    }
}
