package dev.burrow.protocol;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Sizes, limits and timeouts of the link protocol, in one place. */
public final class ProtocolLimits {
    /** Sent by both ends first thing after the TLS handshake: "BURROW", a zero byte, the protocol version. */
    public static final byte[] PREFACE = {'B', 'U', 'R', 'R', 'O', 'W', 0, 1};
    public static final int PROTOCOL_VERSION = 1;
    /** length (u32) | type (u8) | flags (u8) | stream id (u32). */
    public static final int FRAME_HEADER_SIZE = 10;
    /** No frame payload may exceed this; a longer declared length closes the link. */
    public static final int MAX_FRAME_PAYLOAD = 1024 * 1024;
    /** DATA frames are cut to at most this size so that streams interleave fairly. */
    public static final int MAX_DATA_PAYLOAD = 64 * 1024;
    /** Send credit every stream starts with, in each direction. */
    public static final int INITIAL_STREAM_WINDOW = 512 * 1024;
    /**
     * The most a stream's receive window grows to while its reader keeps up with a fast sender (a local choice, not
     * negotiated: the receiver grants the extra credit in its WINDOW_UPDATEs, which any peer accepts). 512 KiB carry a
     * stream at 512 KiB per round trip of a credit update; a download through a busy 2-core machine needs more.
     */
    public static final int MAX_RECEIVE_WINDOW = 4 * 1024 * 1024;
    /**
     * What the receive windows of one link's streams may grow past their initial window, together: a link with many
     * fast readers that then stall (or that the peer keeps full) holds at most this much more than its streams'
     * initial windows. Four streams at {@link #MAX_RECEIVE_WINDOW}, give or take.
     */
    public static final int LINK_WIDENING_BUDGET = 16 * 1024 * 1024;
    /** The same bound for every link of a process together (edge node or agent). */
    public static final long NODE_WIDENING_BUDGET = 64L * 1024 * 1024;
    /** Largest window a WINDOW_UPDATE may produce. */
    public static final long MAX_WINDOW = Integer.MAX_VALUE;
    /** Largest UDP datagram a DATAGRAM frame carries: the most an IPv4 UDP packet can hold (65 535 - 8 - 20). */
    public static final int MAX_DATAGRAM_SIZE = 65_507;
    /**
     * Endpoint changes (bind, unbind, update_policy) an agent may have sent on one link whose results it has not been
     * sent yet; one more closes the link with {@code PROTOCOL_ERROR}, as the edge would otherwise queue them without end.
     */
    public static final int MAX_PENDING_ENDPOINT_CHANGES = 256;
    /** Streams one link may have open at once. */
    public static final int MAX_CONCURRENT_STREAMS = 10_000;
    /** Longest UTF-8 string in a binary-encoded structure (hostnames, header values, sentences); 0xFFFF marks null. */
    public static final int MAX_STRING_BYTES = 65_534;
    /** An agent that has not authenticated within this time after connecting is dropped. */
    public static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(10);
    /** A link is declared dead after this many heartbeat intervals without any frame from the peer. */
    public static final int HEARTBEAT_TOLERANCE = 3;

    private ProtocolLimits() {
    }

    public static String prefaceText() {
        return new String(PREFACE, 0, 6, StandardCharsets.US_ASCII) + "/" + PROTOCOL_VERSION;
    }
}
