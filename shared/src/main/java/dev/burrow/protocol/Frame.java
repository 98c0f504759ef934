package dev.burrow.protocol;

import io.vertx.core.buffer.Buffer;

/** One decoded frame. A decoded frame's {@code payload} is its own buffer (no slice of a read): it may be kept as it is. */
public record Frame(FrameType type, int flags, int streamId, Buffer payload) {

    public boolean hasFlag(int flag) {
        return (flags & flag) != 0;
    }

    @Override
    public String toString() {
        return type + "(stream=" + streamId + ", flags=" + flags + ", length=" + payload.length() + ")";
    }
}
