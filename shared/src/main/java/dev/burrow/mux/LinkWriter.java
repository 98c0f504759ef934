package dev.burrow.mux;

import dev.burrow.protocol.Frame;
import dev.burrow.protocol.FrameEncoder;
import dev.burrow.protocol.FrameType;
import dev.burrow.protocol.PooledPayloads;
import dev.burrow.protocol.ProtocolLimits;
import io.netty.buffer.ByteBufAllocator;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.impl.ConnectionBase;

import java.util.ArrayList;
import java.util.List;

/**
 * Coalesces the frames produced during one event-loop task into a single socket write, so that a burst of
 * small frames costs one TLS record and one system call instead of one each. Used on the link's event loop only.
 *
 * <p>Frames are only referenced until the flush, which copies every one of them, once, into pooled direct buffers
 * handed to the channel as one message (which releases it; {@link DirectBatch}). The OpenSSL engine and the epoll
 * transport both need direct memory: a heap batch was copied again by the TLS handler, and a composite of heap parts (header + large payload)
 * was first merged into a new heap buffer and then copied to direct memory, two copies and an allocation per byte.
 */
final class LinkWriter {
    /** Above this many unflushed bytes, the writer asks producers to wait for the next flush. */
    static final int MAX_BATCH_BYTES = 256 * 1024;

    private final NetSocket socket;
    private final Context context;
    private final Runnable afterFlush;
    private final DirectBatch batch;
    /** Whole encoded frames ({@link Buffer}) and frames whose header is written at the flush ({@link Frame}), in order. */
    private final List<Object> pending = new ArrayList<>();
    private int batchedBytes;
    private boolean flushScheduled;
    private boolean closed;

    /** {@code first} (the preface) goes out before any frame, whenever the first flush happens. */
    LinkWriter(NetSocket socket, Context context, Buffer first, Runnable afterFlush) {
        this.socket = socket;
        this.context = context;
        this.afterFlush = afterFlush;
        this.batch = new DirectBatch(socket instanceof ConnectionBase connection ? connection.channel().alloc() : ByteBufAllocator.DEFAULT);
        pending.add(first);
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

    /** Queues a whole encoded frame; it must not be modified afterwards. */
    void write(Buffer frame) {
        if (closed) {
            return;
        }
        pending.add(frame);
        batchedBytes += frame.length();
        scheduleFlush();
    }

    /**
     * Queues a frame (flags 0) whose header is written straight into the flushed batch, behind the frames before it:
     * its payload ({@code null} for none) is copied once, at the flush, and must not be modified afterwards.
     */
    void writeFrame(FrameType type, int streamId, Buffer payload) {
        writeFrame(type, streamId, payload, false);
    }

    /** As above; with {@code release}, the payload is pooled memory given back once copied (or at once if closed). */
    void writeFrame(FrameType type, int streamId, Buffer payload, boolean release) {
        if (closed) {
            if (release) {
                PooledPayloads.release(payload);
            }
            return;
        }
        int length = payload == null ? 0 : payload.length();
        if (length > ProtocolLimits.MAX_FRAME_PAYLOAD) {
            throw new IllegalArgumentException(type + " payload of " + length + " bytes is outside the frame limit");
        }
        Frame frame = new Frame(type, 0, streamId, payload);
        pending.add(release ? new ReleasedAfterCopy(frame) : frame);
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

    private static void append(Buffer view, Frame frame) {
        Buffer payload = frame.payload();
        FrameEncoder.appendHeader(view, frame.type(), 0, frame.streamId(), payload == null ? 0 : payload.length());
        if (payload != null) {
            view.appendBuffer(payload);
        }
    }

    private static void append(DirectBatch batch, Frame frame) {
        Buffer payload = frame.payload();
        batch.writeHeader(frame.type(), frame.streamId(), payload == null ? 0 : payload.length());
        if (payload != null) {
            batch.write(payload);
        }
    }

    /** A frame whose payload is pooled memory the writer gives back once the flush copied it. */
    private record ReleasedAfterCopy(Frame frame) {
    }

    private void writeOut() {
        if (batchedBytes == 0) {
            return;
        }
        if (socket instanceof NetSocketInternal internal) {
            batch.start(batchedBytes);
            int copied = 0;
            try {
                for (Object item : pending) {
                    if (item instanceof Frame frame) {
                        append(batch, frame);
                    } else if (item instanceof ReleasedAfterCopy owned) {
                        append(batch, owned.frame());
                        PooledPayloads.release(owned.frame().payload());
                    } else {
                        batch.write((Buffer) item);
                    }
                    copied++;
                }
            } catch (RuntimeException e) {
                // The link is broken by now; give back what the batch and the frames not yet copied hold.
                batch.abort();
                for (Object item : pending.subList(copied, pending.size())) {
                    if (item instanceof ReleasedAfterCopy owned) {
                        PooledPayloads.release(owned.frame().payload());
                    }
                }
                clearBatch();
                throw e;
            }
            clearBatch();
            // Not NetSocket.write: it hands the channel an unreleasable slice, and the pooled buffers would leak.
            internal.writeMessage(batch.finish());
            return;
        }
        Buffer view = Buffer.buffer(batchedBytes);
        for (Object item : pending) {
            if (item instanceof Frame frame) {
                append(view, frame);
            } else if (item instanceof ReleasedAfterCopy owned) {
                append(view, owned.frame());
                PooledPayloads.release(owned.frame().payload());
            } else {
                view.appendBuffer((Buffer) item);
            }
        }
        clearBatch();
        socket.write(view);
    }

    private void clearBatch() {
        pending.clear();
        batchedBytes = 0;
    }
}
