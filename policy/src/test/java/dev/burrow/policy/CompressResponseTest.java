package dev.burrow.policy;

import com.aayushatharva.brotli4j.decoder.BrotliInputStream;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompressResponseTest {
    private static final String POLICY = """
            on_http_response:
              - actions: [{type: compress-response, config: {algorithms: [gzip, deflate, br]}}]
            """;
    private final PolicyHarness harness = new PolicyHarness();

    private record Outcome(PolicyResponse response, ResponseBodyEncoder encoder) {
    }

    private Outcome respondTo(String method, String acceptEncoding, String... headers)
            throws PolicyException {
        TrafficPolicy policy = harness.compile(POLICY);
        PolicyRequest request = acceptEncoding == null ? PolicyHarness.request(method, "/")
                : PolicyHarness.request(method, "/", "Accept-Encoding: " + acceptEncoding);
        PolicyExchange exchange = policy.newExchange(PolicyHarness.client("192.0.2.1"), request);
        PolicyHarness.decide(exchange);
        List<Map.Entry<String, String>> head = new ArrayList<>();
        for (String header : headers) {
            int colon = header.indexOf(':');
            head.add(Map.entry(header.substring(0, colon), header.substring(colon + 2)));
        }
        PolicyResponse response = new PolicyResponse(200, head);
        assertEquals(Verdict.PROCEED, exchange.onResponse(response));
        return new Outcome(response, exchange.responseBodyEncoder());
    }

    private Outcome respond(String acceptEncoding, String... headers) throws PolicyException {
        return respondTo("GET", acceptEncoding, headers);
    }

    @Test
    void gzipRoundTripsAStreamedBodyExactlyAndSetsTheHead() throws Exception {
        Outcome outcome = respond("compress;q=1, gzip;q=0.8, deflate;q=0.5, br;q=0.1",
                "Content-Type: application/json", "Content-Length: 4000000",
                "ETag: \"v1\"", "Vary: Origin");
        assertEquals("gzip", outcome.response().header("content-encoding"));
        assertNull(outcome.response().header("content-length"));
        assertEquals("Origin, Accept-Encoding", outcome.response().header("vary"));
        assertEquals("W/\"v1\"", outcome.response().header("etag"));
        byte[] body = sample(4_000_000);
        byte[] compressed = stream(outcome.encoder(), body, 16 * 1024);
        assertTrue(compressed.length < body.length / 2, "compressed to " + compressed.length);
        assertArrayEquals(digest(body), digest(new GZIPInputStream(new ByteArrayInputStream(compressed)).readAllBytes()));
    }

    @Test
    void brotliIsChosenWhenPreferredAndRoundTrips() throws Exception {
        Outcome outcome = respond("gzip;q=0.5, br", "Content-Type: text/css");
        assertEquals("br", outcome.response().header("content-encoding"));
        byte[] body = sample(300_000);
        byte[] compressed = stream(outcome.encoder(), body, 8192);
        assertTrue(compressed.length < body.length / 3, "compressed to " + compressed.length);
        try (InputStream in = new BrotliInputStream(new ByteArrayInputStream(compressed))) {
            assertArrayEquals(digest(body), digest(in.readAllBytes()));
        }
    }

    @Test
    void deflateIsChosenWhenTheClientPrefersIt() throws Exception {
        Outcome outcome = respond("gzip;q=0.2, deflate", "Content-Type: text/html");
        assertEquals("deflate", outcome.response().header("content-encoding"));
        assertEquals("Accept-Encoding", outcome.response().header("vary"));
        byte[] body = sample(50_000);
        byte[] compressed = stream(outcome.encoder(), body, 1000);
        try (InputStream in = new InflaterInputStream(new ByteArrayInputStream(compressed))) {
            assertArrayEquals(body, in.readAllBytes());
        }
    }

    @Test
    void eachChunkYieldsBoundedOutputSoBackpressureStillHolds() throws Exception {
        Outcome outcome = respond("gzip", "Content-Type: text/plain");
        Random random = new Random(7);
        int largest = 0;
        for (int i = 0; i < 200; i++) {
            byte[] chunk = new byte[16 * 1024];
            random.nextBytes(chunk);
            largest = Math.max(largest, outcome.encoder().encode(Buffer.buffer(chunk)).length());
        }
        assertTrue(largest < 64 * 1024, "one 16 KiB chunk gave " + largest + " bytes");
        assertTrue(outcome.encoder().finish().length() < 64 * 1024);
    }

    @Test
    void skipsWhatShouldNotBeCompressed() throws PolicyException {
        assertNull(respond(null, "Content-Type: text/plain").encoder(), "no Accept-Encoding");
        assertNull(respond("gzip;q=0, deflate;q=0", "Content-Type: text/plain").encoder(), "q=0 refuses");
        assertNull(respond("compress, identity", "Content-Type: text/plain").encoder(), "only unoffered codings");
        assertNull(respond("gzip", "Content-Type: image/png").encoder(), "already compressed type");
        assertNull(respond("gzip", "Content-Type: text/plain", "Content-Length: 100").encoder(),
                "small body");
        assertNull(respond("gzip", "Content-Encoding: br").encoder(), "already encoded");
        assertNull(respond("gzip", "Cache-Control: no-transform").encoder(), "no-transform");
        assertNull(respondTo("HEAD", "gzip", "Content-Type: text/plain").encoder(), "HEAD");
        Outcome kept = respond("gzip", "Content-Type: image/jpeg", "Content-Length: 5000");
        assertEquals("5000", kept.response().header("content-length"));
        assertNull(kept.response().header("vary"));
        assertNotNull(respond("*", "Content-Type: image/svg+xml").encoder(), "svg is text; '*' accepts gzip");
    }

    private static byte[] stream(ResponseBodyEncoder encoder, byte[] body, int chunkSize) {
        List<byte[]> parts = new ArrayList<>();
        for (int offset = 0; offset < body.length; offset += chunkSize) {
            int end = Math.min(body.length, offset + chunkSize);
            parts.add(encoder.encode(Buffer.buffer().appendBytes(body, offset, end - offset)).getBytes());
        }
        parts.add(encoder.finish().getBytes());
        Buffer all = Buffer.buffer();
        parts.forEach(all::appendBytes);
        return all.getBytes();
    }

    private static byte[] sample(int size) {
        StringBuilder text = new StringBuilder(size + 100);
        Random random = new Random(42);
        while (text.length() < size) {
            text.append("{\"id\":").append(random.nextInt(1000)).append(",\"name\":\"item\"},");
        }
        return text.substring(0, size).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] digest(byte[] bytes) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(bytes);
    }
}
