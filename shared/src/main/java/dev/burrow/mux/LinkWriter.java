package dev.burrow.mux;

import dev.burrow.protocol.FrameEncoder;
import dev.burrow.protocol.FrameType;
import dev.burrow.protocol.ProtocolLimits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.net.NetSocket;

import java.util.ArrayList;
import java.util.List;

/**
 * Coalesces the frames produced during one event-loop task into a single socket write, so that a burst of
 * small frames costs one TLS record and one system call instead of one each. Used on the link's event loop only.
 *
 * <p>Small frames are copied into one batch buffer. A large DATA payload is not copied: its header closes the
 * current batch buffer, and the payload itself joins the write as its own component (the write is a composite
 * of buffers), so a bulk byte is copied once fewer on its way to the TLS engine.
 */
final class LinkWriter {
    /** Above this many unflushed bytes, the writer asks producers to wait for the next flush. */
    static final int MAX_BATCH_BYTES = 256 * 1024;
    /** DATA payloads up to this size are copied into the batch; larger ones are referenced, not copied. */
    static final int COPY_PAYLOAD_MAX = 4 * 1024;
    private static final int BATCH_BUFFER_SIZE = 4096;

    private final NetSocket socket;
    private final Context context;
    private final Runnable afterFlush;
    /** Buffer the next small frame is appended to; null when none is open. */
    private Buffer batch;
    /** Closed batch buffers and referenced payloads, in write order, ahead of {@link #batch}. */
    private final List<ByteBuf> parts = new ArrayList<>();
    private int batchedBytes;
    private boolean flushScheduled;
    private boolean closed;

    /** {@code first} (the preface) goes out before any frame, whenever the first flush happens. */
    LinkWriter(NetSocket socket, Context context, Buffer first, Runnable afterFlush) {
        this.socket = socket;
        this.context = context;
        this.afterFlush = afterFlush;
        this.batch = Buffer.buffer(BATCH_BUFFER_SIZE).appendBuffer(first);
        this.batchedBytes = first.length();
    }

    /** Schedules a flush of what is batched (the preface, at start). */
    void start() {
        if (!closed) {
            scheduleFlush();
        }
    }

    /** Unflushed bytes in the current batch. */
    int batchedBytes() {
        return batchedBytes;
    }

    /** Queues a whole encoded frame (copied into the batch). */
    void write(Buffer frame) {
        if (closed) {
            return;
        }
        openBatch(frame.length()).appendBuffer(frame);
        batchedBytes += frame.length();
        scheduleFlush();
    }

    /** Queues a DATA frame; a large payload is referenced, not copied, and must not be modified afterwards. */
    void writeData(int streamId, Buffer payload) {
        if (closed) {
            return;
        }
        int length = payload.length();
        Buffer header = FrameEncoder.appendHeader(openBatch(ProtocolLimits.FRAME_HEADER_SIZE + Math.min(length, COPY_PAYLOAD_MAX)),
                FrameType.DATA, 0, streamId, length);
        if (length <= COPY_PAYLOAD_MAX) {
            header.appendBuffer(payload);
        } else {
            closeBatch();
            parts.add(((BufferInternal) payload).getByteBuf());
        }
        batchedBytes += ProtocolLimits.FRAME_HEADER_SIZE + length;
        scheduleFlush();
    }

    /** Whether data producers should hold back until the socket drains or the batch is flushed. */
    boolean congested() {
        return closed || socket.writeQueueFull() || batchedBytes >= MAX_BATCH_BYTES;
    }

    void flush() {
        flushScheduled = false;
        if (!closed) {
            writeOut();
        }
        afterFlush.run();
    }

    /** Writes what is batched, then closes the socket. */
    void closeAfterFlush() {
        if (closed) {
            return;
        }
        writeOut();
        closed = true;
        socket.close();
    }

    private void scheduleFlush() {
        if (!flushScheduled) {
            flushScheduled = true;
            context.runOnContext(v -> flush());
        }
    }

    private Buffer openBatch(int atLeast) {
        if (batch == null) {
            batch = Buffer.buffer(Math.max(atLeast, BATCH_BUFFER_SIZE));
        }
        return batch;
    }

    private void closeBatch() {
        if (batch != null) {
            parts.add(((BufferInternal) batch).getByteBuf());
            batch = null;
        }
    }

    private void writeOut() {
        if (batchedBytes == 0) {
            return;
        }
        if (parts.isEmpty()) {
            socket.write(batch);
            batch = null;
        } else {
            closeBatch();
            ByteBuf out = Unpooled.wrappedBuffer(parts.size(), parts.toArray(new ByteBuf[0]));
            parts.clear();
            socket.write(BufferInternal.buffer(out));
        }
        batchedBytes = 0;
    }
}
