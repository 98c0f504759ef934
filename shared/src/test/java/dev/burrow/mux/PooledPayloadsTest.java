package dev.burrow.mux;

import dev.burrow.protocol.PooledPayloads;
import dev.burrow.protocol.ProtocolLimits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import org.junit.jupiter.api.Test;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;

import static dev.burrow.mux.MuxTesting.await;
import static dev.burrow.mux.MuxTesting.awaitCondition;
import static dev.burrow.mux.MuxTesting.randomPayload;
import static dev.burrow.mux.MuxTesting.take;
import static dev.burrow.mux.MuxTesting.tcpOpen;
import static dev.burrow.mux.MuxTesting.writeAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A reader that takes pooled payloads gets the peer's bytes in pooled direct memory and gives each buffer back; what
 * the stream drops (reset, link lost) it gives back itself. {@link PooledPayloads#outstanding()} counts them.
 */
class PooledPayloadsTest extends MuxLinkTest {

    @Test
    void aReaderThatTakesPooledPayloadsGetsDirectMemoryAndGivesEveryBufferBack() {
        long before = PooledPayloads.outstanding();
        Promise<Long> crcAtServer = Promise.promise();
        AtomicInteger heapBuffers = new AtomicInteger();
        server = MuxTestServer.start(vertx, link -> link.incomingStreamHandler(stream -> {
            stream.takePooledPayloads();
            CRC32 crc = new CRC32();
            stream.handler(data -> {
                if (!((BufferInternal) data).getByteBuf().isDirect()) {
                    heapBuffers.incrementAndGet();
                }
                crc.update(data.getBytes());
                PooledPayloads.release(data);
            });
            stream.endHandler(v -> crcAtServer.complete(crc.getValue()));
        }));
        MuxTestServer.Pair pair = server.pair(link -> { });
        Buffer payload = randomPayload(21, 4 * 1024 * 1024);
        await(writeAll(pair.client().openStream(tcpOpen("pooled")), payload, ProtocolLimits.MAX_DATA_PAYLOAD));

        assertEquals(MuxTesting.crc(payload), await(crcAtServer.future()));
        assertEquals(0, heapBuffers.get(), "every payload came in direct memory");
        awaitCondition("every pooled payload is back", () -> PooledPayloads.outstanding() == before);
    }

    @Test
    void payloadsThatAResetStreamHeldGoBackToThePool() throws Exception {
        long before = PooledPayloads.outstanding();
        Held held = holdPooled(ProtocolLimits.INITIAL_STREAM_WINDOW, ProtocolLimits.MAX_DATA_PAYLOAD);
        assertTrue(PooledPayloads.outstanding() > before, "the held payloads are pooled");

        held.sender().reset(dev.burrow.protocol.ErrorCode.STREAM_CANCELLED, "test");
        await(held.stream().closed());
        awaitCondition("the held payloads are back", () -> PooledPayloads.outstanding() == before);
    }

    @Test
    void payloadsHeldWhenTheLinkDiesGoBackToThePool() throws Exception {
        long before = PooledPayloads.outstanding();
        Held held = holdPooled(300_000, 1000);

        held.pair().client().close(dev.burrow.protocol.ErrorCode.NO_ERROR, "test");
        await(held.pair().server().closeFuture());
        awaitCondition("the held payloads are back", () -> PooledPayloads.outstanding() == before);
    }

    private record Held(MuxTestServer.Pair pair, MuxStream sender, MuxStreamImpl stream) {
    }

    /** A server stream that takes pooled payloads and reads nothing, holding {@code bytes} sent in {@code chunk}s. */
    private Held holdPooled(int bytes, int chunk) throws InterruptedException {
        LinkedBlockingQueue<MuxStream> incoming = new LinkedBlockingQueue<>();
        server = MuxTestServer.start(vertx, link -> link.incomingStreamHandler(stream -> {
            stream.takePooledPayloads();
            stream.pause();
            incoming.add(stream);
        }));
        MuxTestServer.Pair pair = server.pair(link -> { });
        MuxStream sender = pair.client().openStream(tcpOpen("held"));
        writeAll(sender, randomPayload(bytes, bytes), chunk);
        MuxStreamImpl held = (MuxStreamImpl) take(incoming);
        awaitCondition(bytes + " bytes are held", () -> held.bufferedInboundBytes() == bytes);
        return new Held(pair, sender, held);
    }

    /** Holds Vert.x to what {@link PooledPayloads#release(Buffer)} relies on: its view of a buffer releases the buffer. */
    @Test
    void releasingAVertxBufferOverPooledMemoryReleasesThatMemoryAndLeavesHeapBuffersAlone() {
        ByteBuf pooled = PooledPayloads.allocate(PooledByteBufAllocator.DEFAULT, 16, 16);
        pooled.writeLong(42).writeLong(43);
        Buffer payload = BufferInternal.buffer(pooled);
        assertEquals(42, payload.getLong(0));
        PooledPayloads.release(payload);
        assertEquals(0, pooled.refCnt());

        Buffer heap = Buffer.buffer("still here");
        PooledPayloads.release(heap);
        assertEquals("still here", heap.toString());
        assertFalse(((BufferInternal) heap).getByteBuf().isDirect());
    }
}
