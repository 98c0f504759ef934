package dev.burrow.protocol;

import io.vertx.core.buffer.Buffer;

/** One decoded frame. {@code payload} may be a slice of the receive buffer: copy it to keep it. */
public record Frame(FrameType type, int flags, int streamId, Buffer payload) {

    public boolean hasFlag(int flag) {
        return (flags & flag) != 0;
    }

    @Override
    public String toString() {
        return type + "(stream=" + streamId + ", flags=" + flags + ", length=" + payload.length() + ")";
    }
}
