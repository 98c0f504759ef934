package dev.burrow.protocol;

/**
 * Every frame type of the Burrow link protocol. The numeric codes are part of the wire format:
 * never renumber one, never reuse a retired code.
 */
public enum FrameType {
    /** Stream bytes; counts against the receiver's stream window. */
    DATA(0x0),
    /** Opens a stream; the payload is a {@link StreamOpen}. */
    OPEN(0x1),
    /** The sender will send no more bytes on this stream (half-close). Empty payload. */
    HALF_CLOSE(0x2),
    /** Aborts a stream in both directions; payload: error code (u32) then a UTF-8 sentence. */
    RESET(0x3),
    /** Grants the peer more send credit on a stream; payload: increment (u32, 1..2^31-1). */
    WINDOW_UPDATE(0x4),
    /** Liveness and latency probe on stream 0; payload: 8 opaque bytes echoed back with {@link FrameFlags#ACK}. */
    PING(0x5),
    /** The sender is shutting the link down; payload: last stream id (u32), error code (u32), UTF-8 sentence. */
    GO_AWAY(0x6),
    /** A control message on stream 0; payload: UTF-8 JSON, see {@link ControlMessage}. */
    CONTROL(0x7),
    /** The response head of an HTTP exchange stream; payload: a {@link HttpResponseHead}. */
    HEADERS(0x8),
    /**
     * One UDP datagram on a UDP stream; payload: a {@link Datagram} (the visitor's address, then the datagram). Not
     * flow-controlled: a datagram the sender cannot queue is dropped, never split.
     */
    DATAGRAM(0x9),
    /**
     * The trailer fields that end one direction of an HTTP exchange stream, after its last DATA and before its
     * HALF_CLOSE; payload: a {@link HttpTrailers}. Sent only to a peer that named the {@code trailers} feature.
     */
    TRAILERS(0xA);

    private static final FrameType[] BY_CODE = new FrameType[256];

    static {
        for (FrameType type : values()) {
            BY_CODE[type.code] = type;
        }
    }

    private final int code;

    FrameType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The type for a wire code, or {@code null} when the code is unknown. */
    public static FrameType fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
