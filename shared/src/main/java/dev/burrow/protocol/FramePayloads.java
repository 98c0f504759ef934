package dev.burrow.protocol;

import io.vertx.core.buffer.Buffer;

/** Readers for the small fixed payloads of RESET, GO_AWAY and WINDOW_UPDATE frames. */
public final class FramePayloads {
    private FramePayloads() {
    }

    public record Reset(ErrorCode code, String message) {
    }

    public record GoAway(int lastStreamId, ErrorCode code, String message) {
    }

    public static Reset reset(Buffer payload) {
        return new Reset(ErrorCode.fromCode(payload.getUnsignedInt(0)), payload.getString(4, payload.length(), "UTF-8"));
    }

    public static GoAway goAway(Buffer payload) {
        return new GoAway((int) payload.getUnsignedInt(0), ErrorCode.fromCode(payload.getUnsignedInt(4)),
                payload.getString(8, payload.length(), "UTF-8"));
    }

    public static int windowIncrement(Buffer payload) {
        return (int) payload.getUnsignedInt(0);
    }
}
