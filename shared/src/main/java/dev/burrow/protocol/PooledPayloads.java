package dev.burrow.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

import java.util.concurrent.atomic.LongAdder;

/**
 * DATA payloads held in pooled direct memory, for a reader that writes them to a socket ({@code MuxStream.takePooledPayloads()}):
 * the socket then sends them as they are, where a heap payload is first copied to direct memory by the transport. The
 * reader owns each such payload and gives it back with {@link #release(Buffer)} once it is done with it (after its
 * write completed). Counted, in buffers and in bytes, so that tests and gauges can see every one come back and how much
 * direct memory the payloads hold.
 */
public final class PooledPayloads {
    private static final LongAdder OUTSTANDING = new LongAdder();
    /** The payload bytes of the outstanding buffers (what each holds once its frame arrived whole). */
    private static final LongAdder OUTSTANDING_BYTES = new LongAdder();

    private PooledPayloads() {
    }

    /** A pooled direct buffer for a payload of {@code maxCapacity} bytes, starting at {@code initialCapacity}. */
    public static ByteBuf allocate(ByteBufAllocator allocator, int initialCapacity, int maxCapacity) {
        ByteBuf payload = allocator.directBuffer(initialCapacity, maxCapacity);
        OUTSTANDING.increment();
        OUTSTANDING_BYTES.add(maxCapacity);
        return payload;
    }

    /**
     * A payload for {@code MuxStream.releaseWrittenPayloads()} made of a pooled buffer whose reference the caller hands
     * over (a decoded body piece): the stream gives it back once the bytes are copied into the link's batch. Counted
     * like the payloads of {@link #allocate}.
     */
    public static Buffer adopt(ByteBuf handedOver) {
        OUTSTANDING.increment();
        // release(Buffer) takes back the payload's length
        OUTSTANDING_BYTES.add(handedOver.readableBytes());
        return BufferInternal.buffer(handedOver);
    }

    /**
     * One more reference to the pooled memory behind {@code payload}, for a second piece cut from it: each piece is then
     * released on its own (and counted until it is).
     */
    public static void split(Buffer payload) {
        ByteBuf handle = releasable(payload);
        if (handle.isDirect()) {
            handle.retain();
            OUTSTANDING.increment();
        }
    }

    /** Gives back a buffer from {@link #allocate} that never became a payload (a frame cut off by a failure). */
    public static void release(ByteBuf payload) {
        int bytes = payload.maxCapacity();
        if (payload.release()) {
            OUTSTANDING.decrement();
            OUTSTANDING_BYTES.add(-bytes);
        }
    }

    /**
     * Gives back the pooled memory behind a payload; a payload in heap memory (one that arrived before the reader took
     * pooled payloads, or any payload of a stream whose reader did not) is left to the garbage collector. Call once.
     */
    public static void release(Buffer payload) {
        ByteBuf handle = releasable(payload);
        if (handle.isDirect()) {
            // Counts references given back: a split buffer was counted once per piece.
            handle.release();
            OUTSTANDING.decrement();
            // A payload is handed over whole: its length is the capacity it was allocated for.
            OUTSTANDING_BYTES.add(-payload.length());
        }
    }

    /** Payloads (and pieces of split payloads) allocated or adopted and not released yet, in this JVM. */
    public static long outstanding() {
        return OUTSTANDING.sum();
    }

    /** The bytes of the payloads allocated and not released yet, in this JVM. */
    public static long outstandingBytes() {
        return OUTSTANDING_BYTES.sum();
    }

    /**
     * A releasable view of the buffer a payload was made of. Vert.x hands out only an unreleasable view of the
     * {@code ByteBuf} behind a {@link Buffer} ({@code getByteBuf()}: an unreleasable slice); the slice under it shares the
     * allocated buffer's count (and its leak tracking, when Netty's leak detector wrapped it), so releasing it releases
     * that buffer. {@code PooledPayloadsTest} holds Vert.x to this.
     */
    private static ByteBuf releasable(Buffer payload) {
        ByteBuf view = ((BufferInternal) payload).getByteBuf();
        ByteBuf under = view.unwrap();
        return under != null ? under : view;
    }
}
