package dev.burrow.agent.inspect;

import io.vertx.core.buffer.Buffer;

/**
 * The first {@code limit} bytes of a body and its full size. Only those bytes are copied; the body itself keeps
 * streaming, so a 1 GiB upload costs the inspector {@code limit} bytes.
 */
public final class CapturedBody {
    private final int limit;
    private Buffer bytes;
    private long size;

    CapturedBody(int limit) {
        this.limit = limit;
    }

    void add(Buffer chunk) {
        int length = chunk.length();
        size += length;
        int room = limit - (bytes == null ? 0 : bytes.length());
        if (room > 0 && length > 0) {
            if (bytes == null) {
                bytes = Buffer.buffer(Math.min(limit, Math.max(length, 256)));
            }
            bytes.appendBuffer(chunk, 0, Math.min(room, length));
        }
    }

    Body snapshot() {
        byte[] copy = bytes == null ? new byte[0] : bytes.getBytes();
        return new Body(copy, size, size > copy.length);
    }

    /** A body as kept: its first bytes, its full size, whether bytes are missing. */
    public record Body(byte[] bytes, long size, boolean truncated) {
        public static final Body EMPTY = new Body(new byte[0], 0, false);
    }
}
