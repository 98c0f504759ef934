package dev.burrow.mux;

import dev.burrow.protocol.FrameEncoder;
import dev.burrow.protocol.FrameType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A flush's bytes are exactly the frames' encoding, in direct chunks of at most 64 KiB however large the batch. */
class DirectBatchTest {
    private final PooledByteBufAllocator allocator = new PooledByteBufAllocator(true);

    @Test
    void aBatchLargerThanOneChunkIsTheSameBytesInChunksOfAtMost64KiB() {
        Random random = new Random(42);
        Buffer expected = Buffer.buffer();
        DirectBatch batch = new DirectBatch(allocator);
        int[] sizes = {0, 1, 7, 65_536, 100_000, 3, 70_000, 9};
        Buffer[] payloads = new Buffer[sizes.length];
        int total = 0;
        for (int i = 0; i < sizes.length; i++) {
            byte[] bytes = new byte[sizes[i]];
            random.nextBytes(bytes);
            payloads[i] = Buffer.buffer(bytes);
            expected.appendBuffer(FrameEncoder.data(i + 1, payloads[i]));
            total += FrameEncoder.data(i + 1, payloads[i]).length();
        }
        batch.start(total);
        for (int i = 0; i < sizes.length; i++) {
            batch.writeHeader(FrameType.DATA, i + 1, sizes[i]);
            batch.write(payloads[i]);
        }
        ByteBuf out = batch.finish();
        try {
            assertEquals(total, out.readableBytes());
            assertArrayEquals(expected.getBytes(), ByteBufUtil.getBytes(out));
            CompositeByteBuf chunks = assertInstanceOf(CompositeByteBuf.class, out);
            assertTrue(chunks.isDirect());
            for (int c = 0; c < chunks.numComponents(); c++) {
                ByteBuf chunk = chunks.internalComponent(c);
                assertTrue(chunk.isDirect());
                assertTrue(chunk.readableBytes() <= DirectBatch.CHUNK_BYTES, "chunk " + c + " has " + chunk.readableBytes());
            }
            assertEquals((total + DirectBatch.CHUNK_BYTES - 1) / DirectBatch.CHUNK_BYTES, chunks.numComponents());
        } finally {
            out.release();
        }
        assertEquals(0, out.refCnt());
    }

    @Test
    void aSmallBatchIsOneDirectBufferAndTheWriterCanBeReused() {
        DirectBatch batch = new DirectBatch(allocator);
        for (int round = 0; round < 3; round++) {
            Buffer payload = Buffer.buffer("hello " + round);
            Buffer expected = FrameEncoder.data(5, payload);
            batch.start(expected.length());
            batch.writeHeader(FrameType.DATA, 5, payload.length());
            batch.write(payload);
            ByteBuf out = batch.finish();
            assertFalse(out instanceof CompositeByteBuf);
            assertTrue(out.isDirect());
            assertArrayEquals(expected.getBytes(), ByteBufUtil.getBytes(out));
            out.release();
        }
    }
}
