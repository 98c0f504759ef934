package dev.burrow.edge.http;

import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServerOptions;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP/2 limits of the public servers (HTTPS by ALPN, h2c on the plain port), ours rather than whatever a Vert.x or
 * Netty upgrade would bring. What Netty enforces on its own and Vert.x does not expose (queued control frames, empty
 * DATA frames, a header block growing over CONTINUATION frames) is listed in docs/https.md. The frame floods Netty does
 * not bound are cut off by {@link Http2FloodGuard}, an idle connection by {@link Http2IdleTimeout}.
 */
final class Http2Limits {
    /** Streams a client may have open at once, advertised in SETTINGS; a stream beyond gets RST_STREAM REFUSED_STREAM. */
    static final long MAX_CONCURRENT_STREAMS = 100;
    /**
     * The largest header list (uncompressed) taken: a larger one is refused; a header block that grows past it by a
     * quarter over CONTINUATION frames closes the connection with GOAWAY before it is buffered further.
     */
    static final int MAX_HEADER_LIST_BYTES = 8 * 1024;
    /**
     * Each stream's receive window: a request body is read ahead at most this far before the link's own window holds
     * it back; RFC 9113's initial value.
     */
    static final int STREAM_WINDOW_BYTES = 65_535;
    /** The connection's receive window, across its streams: what one connection can make the edge buffer. */
    static final int CONNECTION_WINDOW_BYTES = 65_535;
    /** Rapid reset (CVE-2023-44487): more RST_STREAM frames than this within {@link #RESET_WINDOW} close the connection. */
    static final int MAX_RESETS_PER_WINDOW = 200;
    static final Duration RESET_WINDOW = Duration.ofSeconds(30);
    /**
     * Frames that carry no request (SETTINGS, PING, WINDOW_UPDATE, PRIORITY, acknowledgements, GOAWAY, unknown types,
     * empty DATA) a client may send at once; beyond, GOAWAY {@code ENHANCE_YOUR_CALM} ({@link FrameBudget}). A
     * real client sends a handful when it connects (its SETTINGS, an acknowledgement, a WINDOW_UPDATE).
     */
    static final int OVERHEAD_FRAME_BURST = 1_000;
    /** ... and then this many a second, sustained (keep-alive pings come every few seconds at most). */
    static final int OVERHEAD_FRAMES_PER_SECOND = 100;
    /**
     * ... and one more for every this many bytes the edge sends: clients acknowledge received data with WINDOW_UPDATE
     * frames (Go's client every 4 KiB at least, per stream and for the connection: one frame per 2 KiB), and gRPC
     * clients ping once per burst of data to size their window.
     */
    static final int BYTES_SENT_PER_OVERHEAD_FRAME = 1024;
    /**
     * DATA frames that do not end their stream a client may send at once, beyond what their bytes earn
     * ({@link #DATA_BYTES_PER_FRAME}); beyond, GOAWAY {@code ENHANCE_YOUR_CALM}. Each costs the edge a dispatch and a
     * frame on the agent link whatever it carries, so a flood of 1-byte frames (10 bytes each on the wire) is the
     * cheapest way to make the edge, the agent and the upstream work; a body in frames of a few bytes is still taken
     * in bursts (a gRPC client sending its small messages as fast as it can).
     */
    static final int DATA_FRAME_BURST = 10_000;
    /** ... then this many a second, sustained: far more than a client typing into an upload. */
    static final int DATA_FRAMES_PER_SECOND = 1_000;
    /**
     * ... and one more for every this many bytes of body the DATA frames carry: a frame that carries this much pays for
     * itself (an upload's 16 KiB frames earn hundreds, so the few small frames at its flow-control window's edges never
     * count, nor does a gRPC stream of messages over 32 bytes), one of 1 byte does not.
     */
    static final int DATA_BYTES_PER_FRAME = 32;
    /**
     * Bytes a client may send without a single frame reaching the HTTP/2 layer before GOAWAY {@code ENHANCE_YOUR_CALM}:
     * a header block spread over CONTINUATION frames (empty ones never make it grow, so Netty's size limit never trips),
     * or frames Netty drops without a word (WINDOW_UPDATE or DATA on a closed stream). Legitimately at most one DATA
     * frame in progress (16 KiB), one header block (10 KiB), and a stream window (64 KiB) of DATA per stream the edge has
     * reset while its body was in flight; 1 MiB leaves room for 15 such streams at once.
     */
    static final int MAX_BYTES_WITHOUT_A_FRAME = 1024 * 1024;
    /**
     * A connection that was sent GOAWAY (cut off, or idle) is closed at the latest this long after, even if its client
     * reads nothing (its GOAWAY then never leaves the edge's buffers).
     */
    static final Duration GOAWAY_CLOSE_GRACE = Duration.ofSeconds(1);

    private Http2Limits() {
    }

    /** Sets these limits on a server's options; returns them. */
    static HttpServerOptions apply(HttpServerOptions options) {
        return options.setInitialSettings(new Http2Settings()
                        .setMaxConcurrentStreams(MAX_CONCURRENT_STREAMS)
                        .setMaxHeaderListSize(MAX_HEADER_LIST_BYTES)
                        .setInitialWindowSize(STREAM_WINDOW_BYTES))
                .setHttp2ConnectionWindowSize(CONNECTION_WINDOW_BYTES)
                .setHttp2RstFloodMaxRstFramePerWindow(MAX_RESETS_PER_WINDOW)
                .setHttp2RstFloodWindowDuration((int) RESET_WINDOW.toSeconds())
                .setHttp2RstFloodWindowDurationTimeUnit(TimeUnit.SECONDS);
    }
}
