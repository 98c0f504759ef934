package dev.burrow.edge.http;

import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServerOptions;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP/2 limits of the public servers (HTTPS by ALPN, h2c on the plain port), ours rather than whatever a Vert.x or
 * Netty upgrade would bring. What Netty enforces on its own and Vert.x does not expose (queued control frames, empty
 * DATA frames, a header block growing over CONTINUATION frames) is listed in docs/https.md.
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
