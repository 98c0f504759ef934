package dev.burrow.bench;

import dev.burrow.protocol.HttpRequestHead;
import dev.burrow.protocol.HttpResponseHead;
import dev.burrow.protocol.StreamOpen;
import io.vertx.core.buffer.Buffer;

import java.util.List;
import java.util.Map;

/** The exchange the benchmarks carry: what curl or a browser sends for a small page, and nginx's answer. */
final class ExchangeShapes {
    /** The request head as the edge received it, before hop-by-hop headers are dropped. */
    static final List<Map.Entry<String, String>> RECEIVED_REQUEST_HEADERS = List.of(
            Map.entry("Host", "demo.burrow.example.com"),
            Map.entry("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"),
            Map.entry("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"),
            Map.entry("Accept-Encoding", "gzip, deflate, br, zstd"),
            Map.entry("Accept-Language", "en-GB,en;q=0.9"),
            Map.entry("Connection", "keep-alive"),
            Map.entry("Cookie", "session=4f1c2d9e8a7b6c5d4e3f2a1b0c9d8e7f; theme=dark"),
            Map.entry("Upgrade-Insecure-Requests", "1"),
            Map.entry("Sec-Fetch-Mode", "navigate"),
            Map.entry("Keep-Alive", "timeout=5"));

    static final HttpRequestHead REQUEST_HEAD = new HttpRequestHead("GET", "/index.html?utm_source=bench",
            HeaderPath.forwarded(RECEIVED_REQUEST_HEADERS, "203.0.113.7", "https", "demo.burrow.example.com"));

    static final StreamOpen OPEN = StreamOpen.http("ep_5mX2uQ8rT1vW3yZ6", "203.0.113.7:51234", REQUEST_HEAD);

    static final HttpResponseHead RESPONSE_HEAD = new HttpResponseHead(200, "OK", List.of(
            Map.entry("Server", "nginx/1.22.1"),
            Map.entry("Date", "Mon, 07 Dec 2026 18:00:00 GMT"),
            Map.entry("Content-Type", "text/html"),
            Map.entry("Content-Length", "1024"),
            Map.entry("Last-Modified", "Mon, 07 Dec 2026 17:00:00 GMT"),
            Map.entry("Connection", "keep-alive"),
            Map.entry("ETag", "\"6755a2c0-400\""),
            Map.entry("Accept-Ranges", "bytes")));

    /** The small page's body. */
    static final Buffer PAGE = Buffer.buffer(new byte[1024]);

    private ExchangeShapes() {
    }
}
