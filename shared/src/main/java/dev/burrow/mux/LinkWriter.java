package dev.burrow.mux;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

/**
 * Coalesces the frames produced during one event-loop task into a single socket write, so that a burst of
 * small frames costs one TLS record and one system call instead of one each. Used on the link's event loop only.
 */
final class LinkWriter {
    /** Above this many unflushed bytes, the writer asks producers to wait for the next flush. */
    static final int MAX_BATCH_BYTES = 256 * 1024;

    private final NetSocket socket;
    private final Context context;
    private final Runnable afterFlush;
    private Buffer batch;
    private boolean flushScheduled;
    private boolean closed;

    /** {@code first} (the preface) goes out before any frame, whenever the first flush happens. */
    LinkWriter(NetSocket socket, Context context, Buffer first, Runnable afterFlush) {
        this.socket = socket;
        this.context = context;
        this.afterFlush = afterFlush;
        this.batch = Buffer.buffer(4096).appendBuffer(first);
    }

    /** Schedules a flush of what is batched (the preface, at start). */
    void start() {
        if (!flushScheduled && !closed) {
            flushScheduled = true;
            context.runOnContext(v -> flush());
        }
    }

    /** Unflushed bytes in the current batch. */
    int batchedBytes() {
        return batch == null ? 0 : batch.length();
    }

    void write(Buffer frame) {
        if (closed) {
            return;
        }
        if (batch == null) {
            batch = Buffer.buffer(Math.max(frame.length(), 4096));
        }
        batch.appendBuffer(frame);
        if (!flushScheduled) {
            flushScheduled = true;
            context.runOnContext(v -> flush());
        }
    }

    /** Whether data producers should hold back until the socket drains or the batch is flushed. */
    boolean congested() {
        return closed || socket.writeQueueFull() || (batch != null && batch.length() >= MAX_BATCH_BYTES);
    }

    void flush() {
        flushScheduled = false;
        if (batch != null && !closed) {
            Buffer out = batch;
            batch = null;
            socket.write(out);
        }
        afterFlush.run();
    }

    /** Writes what is batched, then closes the socket. */
    void closeAfterFlush() {
        if (closed) {
            return;
        }
        if (batch != null) {
            socket.write(batch);
            batch = null;
        }
        closed = true;
        socket.close();
    }
}
