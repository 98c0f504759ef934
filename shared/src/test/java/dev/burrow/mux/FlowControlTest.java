package dev.burrow.mux;

import dev.burrow.protocol.Frame;
import dev.burrow.protocol.FrameEncoder;
import dev.burrow.protocol.FramePayloads;
import dev.burrow.protocol.FrameType;
import dev.burrow.protocol.ProtocolLimits;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;

import static dev.burrow.mux.MuxTesting.await;
import static dev.burrow.mux.MuxTesting.awaitCondition;
import static dev.burrow.mux.MuxTesting.collect;
import static dev.burrow.mux.MuxTesting.randomPayload;
import static dev.burrow.mux.MuxTesting.tcpOpen;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Per-stream credit: a paused reader holds at most one window, credit comes back in half-window batches. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FlowControlTest extends MuxLinkTest {
    private static final int WINDOW = ProtocolLimits.INITIAL_STREAM_WINDOW;
    @Test
    void pausedReceiverHoldsOneWindowAndSenderQueueReportsFull() throws Exception {
        LinkedBlockingQueue<MuxStream> incoming = new LinkedBlockingQueue<>();
        server = MuxTestServer.start(vertx, link -> link.incomingStreamHandler(stream -> {
            stream.pause();
            incoming.add(stream);
        }));
        MuxTestServer.Pair pair = server.pair(link -> { });
        MuxStream sender = pair.client().openStream(tcpOpen("bulk"));
        Buffer payload = randomPayload(7, 10 * 1024 * 1024);
        for (int offset = 0; offset < payload.length(); offset += 64 * 1024) {
            sender.write(payload.slice(offset, Math.min(payload.length(), offset + 64 * 1024)));
        }
        sender.end();
        assertTrue(sender.writeQueueFull(), "10 MiB written against a 128 KiB queue limit");
        AtomicBoolean drained = new AtomicBoolean();
        sender.drainHandler(v -> drained.set(true));

        MuxStreamImpl receiver = (MuxStreamImpl) incoming.poll(MuxTesting.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertNotNull(receiver);
        awaitCondition("a full window is buffered at the receiver", () -> receiver.bufferedInboundBytes() == WINDOW);
        // Round trips both ways: anything else the sender could have sent would have arrived by now.
        await(pair.client().ping());
        await(pair.server().ping());
        assertEquals(WINDOW, receiver.bufferedInboundBytes(), "the receiver buffers one window, no more");
        MuxStreamImpl senderImpl = (MuxStreamImpl) sender;
        assertEquals(payload.length() - WINDOW, senderImpl.queuedOutboundBytes(), "the rest waits at the sender");
        assertTrue(sender.writeQueueFull());
        assertFalse(drained.get());

        var received = collect(receiver);
        receiver.resume();
        assertEquals(MuxTesting.Received.of(payload), await(received), "every byte, in order");
        assertTrue(drained.get(), "the drain handler ran once the queue emptied");
        assertFalse(sender.writeQueueFull());
        assertEquals(0, senderImpl.queuedOutboundBytes());
        assertEquals(0, receiver.bufferedInboundBytes());
    }

    @Test
    void fetchDeliversExactlyTheRequestedNumberOfBuffers() {
        LinkedBlockingQueue<MuxStream> incoming = new LinkedBlockingQueue<>();
        server = MuxTestServer.start(vertx, link -> link.incomingStreamHandler(stream -> {
            stream.pause();
            incoming.add(stream);
        }));
        MuxTestServer.Pair pair = server.pair(link -> { });
        MuxStream sender = pair.client().openStream(tcpOpen("few"));
        for (int i = 0; i < 5; i++) {
            sender.write(Buffer.buffer("m" + i));
        }
        MuxStreamImpl receiver = (MuxStreamImpl) pollQuietly(incoming);
        awaitCondition("five messages buffered", () -> receiver.bufferedInboundBytes() == 10);
        LinkedBlockingQueue<String> seen = new LinkedBlockingQueue<>();
        receiver.handler(b -> seen.add(b.toString()));
        receiver.fetch(2);
        awaitCondition("two delivered", () -> seen.size() == 2);
        await(pair.server().ping());
        assertEquals(List.of("m0", "m1"), List.copyOf(seen));
        receiver.fetch(3);
        awaitCondition("all five delivered", () -> seen.size() == 5);
        assertEquals(List.of("m0", "m1", "m2", "m3", "m4"), List.copyOf(seen));
    }

    private static MuxStream pollQuietly(LinkedBlockingQueue<MuxStream> queue) {
        try {
            MuxStream stream = queue.poll(MuxTesting.TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertNotNull(stream, "no incoming stream");
            return stream;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void creditReturnsInHalfWindowBatches() {
        server = MuxTestServer.start(vertx, link -> {
            link.windowGrowthFloor(Duration.ZERO);  // no reader is fast enough: the window keeps its start size
            link.incomingStreamHandler(stream -> stream.handler(b -> { }));
        });
        RawPeer peer = server.connectRaw();
        peer.sendPreface().send(FrameEncoder.open(1, tcpOpen("raw")));
        Buffer chunk = randomPayload(3, ProtocolLimits.MAX_DATA_PAYLOAD);
        int perHalfWindow = WINDOW / 2 / chunk.length();

        for (int i = 0; i < perHalfWindow - 1; i++) {
            peer.send(FrameEncoder.data(1, chunk));
        }
        peer.send(FrameEncoder.ping(42, false));
        peer.next(FrameType.PING);
        assertTrue(peer.drainReceived().stream().noneMatch(f -> f.type() == FrameType.WINDOW_UPDATE),
                "no credit is returned before half a window is consumed");

        peer.send(FrameEncoder.data(1, chunk));
        Frame update = peer.next(FrameType.WINDOW_UPDATE);
        assertEquals(1, update.streamId());
        assertEquals(WINDOW / 2, FramePayloads.windowIncrement(update.payload()));

        // The sender may now use the whole window again: one more window's worth is accepted without error.
        for (int i = 0; i < 2 * perHalfWindow; i++) {
            peer.send(FrameEncoder.data(1, chunk));
        }
        peer.send(FrameEncoder.ping(43, false));
        assertEquals(43, peer.next(FrameType.PING).payload().getLong(0));
        assertFalse(server.nextLink().isClosed());
    }

    /**
     * A reader that takes each half window faster than the growth period doubles the window with each credit update
     * (the growth rides on the update), until the maximum; then updates return what was consumed.
     */
    @Test
    void aReaderThatKeepsUpWidensTheWindowUpToTheMaximum() {
        server = MuxTestServer.start(vertx, link -> {
            link.windowGrowthFloor(Duration.ofHours(1));  // every reader counts as fast, however loaded the machine
            link.incomingStreamHandler(stream -> stream.handler(b -> { }));
        });
        RawPeer peer = server.connectRaw();
        peer.sendPreface().send(FrameEncoder.open(1, tcpOpen("raw")));
        Buffer chunk = randomPayload(5, ProtocolLimits.MAX_DATA_PAYLOAD);
        int max = ProtocolLimits.MAX_RECEIVE_WINDOW;
        List<Integer> expected = List.of(WINDOW / 2 + WINDOW, WINDOW + 2 * WINDOW, 2 * WINDOW + 4 * WINDOW, max / 2);
        assertEquals(8 * WINDOW, max, "the expected increments assume a maximum of eight initial windows");
        long credit = WINDOW;
        List<Integer> increments = new java.util.ArrayList<>();
        while (increments.size() < expected.size()) {
            while (credit >= chunk.length()) {
                peer.send(FrameEncoder.data(1, chunk));
                credit -= chunk.length();
            }
            int increment = FramePayloads.windowIncrement(peer.next(FrameType.WINDOW_UPDATE).payload());
            increments.add(increment);
            credit += increment;
        }
        assertEquals(expected, increments);
        assertFalse(server.nextLink().isClosed());
    }

    /** A reader slower than the growth period (a slow public client) keeps the window at its start size. */
    @Test
    void aSlowReaderKeepsTheInitialWindow() {
        long growthFloorMillis = 5;
        long pauseMillis = 2 * growthFloorMillis;
        server = MuxTestServer.start(vertx, link -> {
            link.windowGrowthFloor(Duration.ofMillis(growthFloorMillis));
            link.incomingStreamHandler(stream -> {
                // One 64 KiB chunk, then a pause of at least 10 ms before asking for the next: half a window (4 chunks)
                // takes 30 ms or more, however late the timers run. (A periodic timer runs at a fixed rate: after the
                // event loop stalled on a loaded machine it fired its missed runs back to back, and 4 chunks went in
                // under 5 ms, a fast reader.) The raw peer answers no ping, so the growth period stays the floor.
                stream.pause();
                stream.handler(b -> vertx.setTimer(pauseMillis, id -> stream.fetch(1)));
                stream.fetch(1);
            });
        });
        RawPeer peer = server.connectRaw();
        peer.sendPreface().send(FrameEncoder.open(1, tcpOpen("raw")));
        Buffer chunk = randomPayload(6, ProtocolLimits.MAX_DATA_PAYLOAD);
        for (int sent = 0; sent < WINDOW; sent += chunk.length()) {
            peer.send(FrameEncoder.data(1, chunk));
        }
        assertEquals(WINDOW / 2, FramePayloads.windowIncrement(peer.next(FrameType.WINDOW_UPDATE).payload()));
        assertEquals(WINDOW / 2, FramePayloads.windowIncrement(peer.next(FrameType.WINDOW_UPDATE).payload()));
        peer.close();
    }

    @Test
    void quarterGigabyteThroughPipesKeepsQueuesBounded() {
        // source generator --pipe--> client stream ==link==> server stream --pipe--> socket --> sink (checksums)
        long total = 256L * 1024 * 1024;
        Promise<MuxTesting.Received> sunk = Promise.promise();
        NetServer sink = vertx.createNetServer().connectHandler(socket -> {
            CRC32 crc = new CRC32();
            long[] count = {0};
            socket.handler(b -> {
                crc.update(b.getBytes());
                count[0] += b.length();
            });
            socket.closeHandler(v -> sunk.tryComplete(new MuxTesting.Received(count[0], crc.getValue())));
        });
        int sinkPort = await(sink.listen(0, "127.0.0.1")).actualPort();
        NetClient sinkClient = vertx.createNetClient();
        AtomicReference<MuxStreamImpl> serverStream = new AtomicReference<>();
        server = MuxTestServer.start(vertx, link -> link.incomingStreamHandler(stream -> {
            serverStream.set((MuxStreamImpl) stream);
            sinkClient.connect(sinkPort, "127.0.0.1").onSuccess((NetSocket socket) -> stream.pipeTo(socket));
        }));
        MuxTestServer.Pair pair = server.pair(link -> { });
        System.gc();
        long heapBefore = usedHeap();

        Context sourceContext = vertx.getOrCreateContext();
        GeneratorStream source = new GeneratorStream(sourceContext, 99, total);
        MuxStreamImpl clientStream = (MuxStreamImpl) pair.client().openStream(tcpOpen("big"));
        AtomicLong maxQueued = new AtomicLong();
        AtomicLong maxBuffered = new AtomicLong();
        long sampler = vertx.setPeriodic(2, id -> {
            maxQueued.accumulateAndGet(clientStream.queuedOutboundBytes(), Math::max);
            MuxStreamImpl atServer = serverStream.get();
            if (atServer != null) {
                maxBuffered.accumulateAndGet(atServer.bufferedInboundBytes(), Math::max);
            }
        });
        long started = System.nanoTime();
        var piped = source.pipeTo(clientStream);

        MuxTesting.Received received = await(sunk.future(), 25);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        vertx.cancelTimer(sampler);
        await(piped);
        System.gc();
        long heapAfter = usedHeap();
        System.out.printf("256 MiB through the mux in %d ms (%.0f MiB/s); max queued at sender %d, max buffered at receiver %d,"
                        + " heap %d -> %d MiB%n", millis, 256_000.0 / millis, maxQueued.get(), maxBuffered.get(),
                heapBefore >> 20, heapAfter >> 20);

        assertEquals(new MuxTesting.Received(total, source.expectedCrc()), received);
        assertTrue(maxQueued.get() <= 128 * 1024 + GeneratorStream.CHUNK, "sender queue bounded by its limit plus one write: " + maxQueued);
        assertTrue(maxBuffered.get() <= ProtocolLimits.MAX_RECEIVE_WINDOW, "receiver buffer bounded by the widest window: " + maxBuffered);
        assertTrue(heapAfter - heapBefore < 64L * 1024 * 1024, "heap grew by " + ((heapAfter - heapBefore) >> 20) + " MiB");
        await(sinkClient.close().compose(v -> sink.close()));
    }

    private static long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
