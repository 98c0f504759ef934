package dev.burrow.mux;

import dev.burrow.protocol.FrameEncoder;
import dev.burrow.protocol.FrameType;
import dev.burrow.protocol.ProtocolLimits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * The bytes of one link flush, copied into pooled direct buffers of at most {@link #CHUNK_BYTES} each and handed to
 * the channel as one buffer (a composite when there are several). One buffer the size of the whole batch (256 KiB and
 * more in a download) is above the largest size Netty's adaptive allocator pools when the heap is 512 MiB or less
 * (256 KiB): every such flush was a fresh direct allocation, zeroed and freed by a cleaner.
 */
final class DirectBatch {
    /** Pooled by Netty's adaptive allocator whatever the heap size. */
    static final int CHUNK_BYTES = 64 * 1024;

    private final ByteBufAllocator allocator;
    private final ByteBuf header = Unpooled.buffer(ProtocolLimits.FRAME_HEADER_SIZE, ProtocolLimits.FRAME_HEADER_SIZE);
    private final Buffer headerView = BufferInternal.buffer(header);
    private int remaining;
    private ByteBuf current;
    private Buffer currentView;
    private CompositeByteBuf chunks;

    DirectBatch(ByteBufAllocator allocator) {
        this.allocator = allocator;
    }

    /** Starts a batch of exactly {@code totalBytes}; the one before must have been finished. */
    void start(int totalBytes) {
        remaining = totalBytes;
        current = null;
        chunks = null;
    }

    void writeHeader(FrameType type, int streamId, int length) {
        header.clear();
        FrameEncoder.appendHeader(headerView, type, 0, streamId, length);
        copy(headerView);
    }

    void write(Buffer bytes) {
        copy(bytes);
    }

    /** The batch; the caller owns it. */
    ByteBuf finish() {
        ByteBuf batch;
        if (chunks == null) {
            batch = current == null ? Unpooled.EMPTY_BUFFER : current;
        } else {
            chunks.addComponent(true, current);
            batch = chunks;
        }
        current = null;
        currentView = null;
        chunks = null;
        return batch;
    }

    /** Gives back what a batch that will not be finished holds (a copy that threw half-way). */
    void abort() {
        if (chunks != null) {
            chunks.release();
        }
        if (current != null) {
            current.release();
        }
        current = null;
        currentView = null;
        chunks = null;
    }

    /** Through a {@link Buffer} view of the chunk: unwrapping each source ({@code getByteBuf()}) allocates per frame. */
    private void copy(Buffer source) {
        int index = 0;
        int left = source.length();
        while (left > 0) {
            if (current == null || !current.isWritable()) {
                nextChunk();
            }
            int n = Math.min(left, current.writableBytes());
            currentView.appendBuffer(source, index, n);
            index += n;
            left -= n;
            remaining -= n;
        }
    }

    private void nextChunk() {
        if (current != null) {
            if (chunks == null) {
                chunks = allocator.compositeDirectBuffer(Integer.MAX_VALUE);
            }
            chunks.addComponent(true, current);
        }
        int size = Math.max(1, Math.min(CHUNK_BYTES, remaining));
        current = allocator.directBuffer(size, size);
        currentView = BufferInternal.buffer(current);
    }
}
