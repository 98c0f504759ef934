package dev.burrow.mux;

import dev.burrow.protocol.ErrorCode;
import dev.burrow.protocol.Frame;
import dev.burrow.protocol.FrameEncoder;
import dev.burrow.protocol.FramePayloads;
import dev.burrow.protocol.FrameType;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.burrow.mux.MuxTesting.await;
import static dev.burrow.mux.MuxTesting.awaitCondition;
import static dev.burrow.mux.MuxTesting.collectBytes;
import static dev.burrow.mux.MuxTesting.tcpOpen;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Heartbeats, go-away, close, and calls from threads other than the link's. */
class LinkLifecycleTest extends MuxLinkTest {
    private static MuxOptions heartbeat(long intervalMillis) {
        return MuxOptions.defaults("hb").withHeartbeatInterval(Duration.ofMillis(intervalMillis));
    }

    @Test
    void silentPeerIsDroppedAfterThreeHeartbeatIntervals() {
        server = new MuxTestServer(vertx, heartbeat(100), link -> { });
        RawPeer peer = server.connectRaw();
        StreamMultiplexer link = server.nextLink();
        peer.sendPreface();
        long started = System.nanoTime();
        LinkClosed closed = await(link.closeFuture());
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertEquals(ErrorCode.HEARTBEAT_TIMEOUT, closed.code(), closed.toString());
        assertFalse(closed.byPeer());
        assertTrue(millis >= 250 && millis <= 700, "closed after " + millis + " ms");
        await(peer.closedFuture());
        Frame goAway = peer.next(FrameType.GO_AWAY);
        assertEquals(ErrorCode.HEARTBEAT_TIMEOUT, FramePayloads.goAway(goAway.payload()).code());
    }

    /**
     * The peer's frames are late because this side's event loop was held up (a long handler, a GC pause, a starved
     * CPU; in one JVM the peer's heartbeat stalls with it): the liveness check that comes due meanwhile runs before the
     * next read, so it must not count the stall as the peer's silence. A peer that stays silent is still dropped.
     */
    @Test
    void aLinkHeldUpPastTheToleranceHearsThePeerBeforeJudgingItSilent() throws Exception {
        server = new MuxTestServer(vertx, heartbeat(200), link -> { });
        try (java.net.Socket peer = new java.net.Socket("127.0.0.1", server.port())) {
            java.io.OutputStream out = peer.getOutputStream();
            out.write(FrameEncoder.preface().getBytes());
            StreamMultiplexer link = server.nextLink();
            java.util.concurrent.CountDownLatch holding = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);
            link.execute(() -> {
                holding.countDown();
                sleepQuietly(1_500); // 2.5 tolerances of 600 ms: the liveness check comes due meanwhile
                released.countDown();
            });
            while (!holding.await(100, TimeUnit.MILLISECONDS)) {
                out.write(FrameEncoder.ping(1, false).getBytes());
            }
            assertTrue(released.await(10, TimeUnit.SECONDS));
            // The peer speaks again as soon as it can (it was held up too), and keeps its heartbeat for two tolerances.
            for (int i = 0; i < 12; i++) {
                out.write(FrameEncoder.ping(2, false).getBytes());
                Thread.sleep(100);
            }
            assertFalse(link.isClosed(), "closed: " + link.closeFuture().result());
            LinkClosed closed = await(link.closeFuture());
            assertEquals(ErrorCode.HEARTBEAT_TIMEOUT, closed.code(), closed.toString());
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void healthyLinksKeepEachOtherAliveAndPingMeasuresRoundTrip() {
        server = new MuxTestServer(vertx, heartbeat(50), link -> { });
        StreamMultiplexer client = server.connect(heartbeat(50), link -> { });
        StreamMultiplexer atServer = server.nextLink();
        Duration rtt = await(client.ping());
        assertTrue(rtt.compareTo(Duration.ZERO) > 0 && rtt.compareTo(Duration.ofSeconds(1)) < 0, "rtt " + rtt);
        assertTrue(await(atServer.ping()).compareTo(Duration.ofSeconds(1)) < 0);
        // Ten intervals of idleness: heartbeats answer each other, nothing closes.
        Promise<Void> waited = Promise.promise();
        vertx.setTimer(500, id -> waited.complete());
        await(waited.future());
        assertFalse(client.isClosed());
        assertFalse(atServer.isClosed());
        assertTrue(client.lastRoundTrip().compareTo(Duration.ZERO) > 0);
    }

    @Test
    void pingFailsWhenTheLinkCloses() {
        server = MuxTestServer.start(vertx, link -> { });
        RawPeer peer = server.connectRaw();
        StreamMultiplexer link = server.nextLink();
        peer.sendPreface();
        Future<Duration> ping = link.ping(); // the raw peer never answers
        peer.next(FrameType.PING);
        peer.close();
        MuxTesting.awaitFailure(ping);
        assertEquals(ErrorCode.NO_ERROR, await(link.closeFuture()).code());
    }

    @Test
    void afterGoAwayNewStreamsAreRefusedAndOpenOnesFinish() throws Exception {
        LinkedBlockingQueue<MuxStream> incoming = new LinkedBlockingQueue<>();
        server = MuxTestServer.start(vertx, link -> link.incomingStreamHandler(incoming::add));
        Promise<FramePayloads.GoAway> goAwaySeen = Promise.promise();
        MuxTestServer.Pair pair = server.pair(link -> link.goAwayHandler(goAwaySeen::tryComplete));
        MuxStream open = pair.client().openStream(tcpOpen("ep"));
        MuxStream openAtServer = MuxTesting.take(incoming);

        pair.server().goAway(ErrorCode.GOING_AWAY, "node draining");
        FramePayloads.GoAway goAway = await(goAwaySeen.future());
        assertEquals(ErrorCode.GOING_AWAY, goAway.code());
        assertEquals(open.id(), goAway.lastStreamId());

        // New streams from the client fail at once now that it knows.
        MuxStream refused = pair.client().openStream(tcpOpen("ep"));
        Promise<Throwable> refusal = Promise.promise();
        refused.exceptionHandler(refusal::tryComplete);
        assertEquals(ErrorCode.GOING_AWAY, assertInstanceOf(StreamResetException.class, await(refusal.future())).code());

        // The stream opened before go-away finishes both ways.
        var atClient = collectBytes(open);
        var atServerBytes = collectBytes(openAtServer);
        open.write(Buffer.buffer("request"));
        open.end();
        openAtServer.write(Buffer.buffer("response"));
        openAtServer.end();
        assertEquals("request", await(atServerBytes).toString());
        assertEquals("response", await(atClient).toString());
        await(open.closed());
        assertFalse(pair.client().isClosed());
    }

    @Test
    void peerOpeningAfterGoAwayIsResetWithGoingAway() {
        server = MuxTestServer.start(vertx, link -> link.incomingStreamHandler(stream -> { }));
        RawPeer peer = server.connectRaw();
        StreamMultiplexer link = server.nextLink();
        peer.sendPreface();
        link.goAway(ErrorCode.GOING_AWAY, "node draining");
        peer.next(FrameType.GO_AWAY);
        peer.send(FrameEncoder.open(1, tcpOpen("late")));
        Frame reset = peer.next(FrameType.RESET);
        assertEquals(1, reset.streamId());
        assertEquals(ErrorCode.GOING_AWAY, FramePayloads.reset(reset.payload()).code());
        assertFalse(link.isClosed());
        assertEquals(0, link.openStreamCount());
    }

    @Test
    void closeResetsStreamsOnBothSidesAndReportsOnce() throws Exception {
        LinkedBlockingQueue<MuxStream> incoming = new LinkedBlockingQueue<>();
        server = MuxTestServer.start(vertx, link -> link.incomingStreamHandler(incoming::add));
        AtomicInteger clientCloses = new AtomicInteger();
        MuxTestServer.Pair pair = server.pair(link -> link.closeHandler(reason -> clientCloses.incrementAndGet()));
        AtomicInteger serverCloses = new AtomicInteger();
        pair.server().closeHandler(reason -> serverCloses.incrementAndGet());
        List<Future<Throwable>> failures = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            MuxStream stream = pair.client().openStream(tcpOpen("ep" + i));
            failures.add(MuxTesting.failureOf(stream));
            failures.add(MuxTesting.failureOf(MuxTesting.take(incoming)));
        }

        pair.client().close(ErrorCode.GOING_AWAY, "agent shutting down");
        LinkClosed atClient = await(pair.client().closeFuture());
        LinkClosed atServer = await(pair.server().closeFuture());
        assertEquals(new LinkClosed(ErrorCode.GOING_AWAY, "agent shutting down", false), atClient);
        assertEquals(new LinkClosed(ErrorCode.GOING_AWAY, "agent shutting down", true), atServer);
        for (Future<Throwable> failure : failures) {
            StreamResetException reset = assertInstanceOf(StreamResetException.class, await(failure));
            assertEquals(ErrorCode.GOING_AWAY, reset.code());
        }
        pair.client().close(ErrorCode.NO_ERROR, "again");
        await(pair.client().ping().otherwiseEmpty());
        assertEquals(1, clientCloses.get());
        assertEquals(1, serverCloses.get());
        assertEquals(0, pair.client().openStreamCount());
        assertEquals(0, pair.server().openStreamCount());
        // A close handler set after the fact still hears about it.
        Promise<LinkClosed> late = Promise.promise();
        pair.client().closeHandler(late::complete);
        assertEquals(atClient, await(late.future()));
        // And a stream opened on a closed link fails at once.
        Future<Throwable> onClosed = MuxTesting.failureOf(pair.client().openStream(tcpOpen("late")));
        assertEquals(ErrorCode.GOING_AWAY, ((StreamResetException) await(onClosed)).code());
    }

    @Test
    void writesFromAnotherEventLoopAndAPlainThreadArriveInOrder() throws Exception {
        LinkedBlockingQueue<MuxStream> incoming = new LinkedBlockingQueue<>();
        MuxTestServer.Pair pair = pairCollectingStreams(incoming);
        Context linkContext = pair.client().context();
        // A context on another event loop (event loops are handed out round-robin).
        ContextInternal other = ((VertxInternal) vertx).createEventLoopContext();
        for (int i = 0; i < 64 && other.nettyEventLoop() == ((ContextInternal) linkContext).nettyEventLoop(); i++) {
            other = ((VertxInternal) vertx).createEventLoopContext();
        }
        assertNotEquals(((ContextInternal) linkContext).nettyEventLoop(), other.nettyEventLoop(), "found no other event loop");
        int messages = 20_000;

        MuxStream fromLoop = pair.client().openStream(tcpOpen("loop"));
        var atServerLoop = collectBytes(MuxTesting.take(incoming));
        Promise<Void> loopDone = Promise.promise();
        other.runOnContext(v -> writeNumbered(fromLoop, 0, messages, loopDone));

        MuxStream fromThread = pair.client().openStream(tcpOpen("thread"));
        var atServerThread = collectBytes(MuxTesting.take(incoming));
        Thread thread = new Thread(() -> {
            try {
                for (int i = 0; i < messages; i++) {
                    fromThread.write(Buffer.buffer(String.format("%08d;", i)));
                    if (fromThread.writeQueueFull()) {
                        CompletableFuture<Void> drained = new CompletableFuture<>();
                        fromThread.drainHandler(v -> drained.complete(null));
                        drained.get(MuxTesting.TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    }
                }
                fromThread.end();
            } catch (Exception e) {
                fromThread.reset(ErrorCode.INTERNAL_ERROR, "writer thread failed: " + e);
            }
        }, "plain-writer");
        thread.start();

        await(loopDone.future());
        assertNumbered(await(atServerLoop), messages);
        assertNumbered(await(atServerThread), messages);
        thread.join(5000);
    }

    /** Writes numbered messages from whichever context calls it, resuming on drain. */
    private static void writeNumbered(MuxStream stream, int from, int to, Promise<Void> done) {
        for (int i = from; i < to; i++) {
            stream.write(Buffer.buffer(String.format("%08d;", i)));
            if (stream.writeQueueFull()) {
                int next = i + 1;
                stream.drainHandler(v -> {
                    stream.drainHandler(null);
                    writeNumbered(stream, next, to, done);
                });
                return;
            }
        }
        stream.end().onComplete(done);
    }

    private static void assertNumbered(Buffer received, int messages) {
        String text = received.toString();
        assertEquals(messages * 9, text.length());
        for (int i = 0; i < messages; i++) {
            assertEquals(String.format("%08d;", i), text.substring(i * 9, i * 9 + 9), "message " + i);
        }
    }

    @Test
    void linkRunsOnTheSocketsEventLoop() {
        server = MuxTestServer.start(vertx, link -> { });
        MuxTestServer.Pair pair = server.pair(link -> { });
        Promise<Thread> thread = Promise.promise();
        pair.client().context().runOnContext(v -> thread.complete(Thread.currentThread()));
        assertNotEquals(Thread.currentThread(), await(thread.future()));
        assertTrue(await(thread.future()).getName().startsWith("vert.x-eventloop"));
    }
}
