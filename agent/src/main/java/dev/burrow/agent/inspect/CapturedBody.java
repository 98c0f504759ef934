package dev.burrow.agent.inspect;

import io.vertx.core.buffer.Buffer;

/**
 * The first {@code limit} bytes of a body and its full size. Only those bytes are copied; the body itself keeps
 * streaming, so a 1 GiB upload costs the inspector {@code limit} bytes. The copied bytes also come out of a budget
 * shared by every exchange in flight ({@link CaptureBudget}); once it is spent, the body is kept cut.
 */
public final class CapturedBody {
    private final int limit;
    private final CaptureBudget budget;
    private Buffer bytes;
    private long size;
    private boolean full;
    /** Set by {@link #snapshot()}: chunks that still arrive (an upload the upstream answered early) are only counted. */
    private boolean closed;

    CapturedBody(int limit, CaptureBudget budget) {
        this.limit = limit;
        this.budget = budget;
    }

    void add(Buffer chunk) {
        int length = chunk.length();
        size += length;
        if (closed) {
            return;
        }
        int room = limit - (bytes == null ? 0 : bytes.length());
        if (room > 0 && length > 0 && !full) {
            int granted = budget.take(Math.min(room, length));
            if (granted == 0) {
                full = true;
                return;
            }
            if (bytes == null) {
                bytes = Buffer.buffer(Math.min(limit, Math.max(granted, 256)));
            }
            bytes.appendBuffer(chunk, 0, granted);
        }
    }

    /** The body as kept; gives its bytes back to the budget (call once, when the exchange is stored). */
    Body snapshot() {
        byte[] copy = bytes == null ? new byte[0] : bytes.getBytes();
        budget.give(copy.length);
        bytes = null;
        closed = true;
        return new Body(copy, size, size > copy.length);
    }

    /** A body as kept: its first bytes, its full size, whether bytes are missing. */
    public record Body(byte[] bytes, long size, boolean truncated) {
        public static final Body EMPTY = new Body(new byte[0], 0, false);
    }
}
