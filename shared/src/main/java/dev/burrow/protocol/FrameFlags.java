package dev.burrow.protocol;

/** Bits of the frame header's flags byte. */
public final class FrameFlags {
    /** On PING: this frame answers a ping. */
    public static final int ACK = 0x01;

    private FrameFlags() {
    }
}
