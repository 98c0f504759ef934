package dev.burrow.testsupport;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The local service behind a tunnel: a Vert.x HTTP server on 127.0.0.1, a port from the OS.
 *
 * <ul>
 *   <li>{@code /echo} (any method) answers with the request body; {@code ?status=N} sets the status,
 *       {@code ?chunked=1} sends the body chunked in pieces of {@code ?piece=N} bytes (default 1000). Response
 *       headers: {@code X-Upstream: burrow-e2e}, {@code X-Echo-Method}, {@code X-Echo-Request-Id} (the request's
 *       {@code X-Request-Id}), and the request's Content-Type.</li>
 *   <li>{@code /bytes?n=N} streams the first N bytes of {@link DeterministicBytes} with backpressure
 *       (Content-Length, or chunked with {@code &chunked=1}).</li>
 *   <li>{@code /upload} consumes the body and answers {@code {"bytes":N,"crc32":C,"firstMismatch":M}} (M is -1 when
 *       the body is exactly the DeterministicBytes sequence); the bytes received so far are counted per request URI as
 *       they arrive ({@link #uploadedBytes}), also for a body that never ends.</li>
 *   <li>{@code /slow?ms=M&n=N} sends the head at once, then the first N bytes (default 10 000) of
 *       {@link DeterministicBytes} in ten pieces spread over M milliseconds (default 3000), with Content-Length: an
 *       exchange that stays in flight for a known time. With {@code &hold=1} it sends the head and the first
 *       piece, then waits for {@link #releaseHeld()} before the rest: an exchange that stays in flight until the test
 *       says so, however slow the machine.</li>
 *   <li>{@code /ws}: WebSocket echo (text as text, binary as binary).</li>
 * </ul>
 * Every request's method, URI, headers and remote address are recorded; echo bodies up to 1 MiB too.
 */
public final class Upstream implements AutoCloseable {

    public static final String UPSTREAM_HEADER = "X-Upstream";
    public static final String UPSTREAM_HEADER_VALUE = "burrow-e2e";
    private static final int MAX_RECORDED_BODY = 1024 * 1024;

    /** One request as the upstream saw it. Header names are lower-case. */
    public record RecordedRequest(String method, String uri, Map<String, List<String>> headers, String remoteAddress,
                                  byte[] body) {
        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        public List<String> headerValues(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        }
    }

    private final Vertx vertx;
    private final boolean ownsVertx;
    private final HttpServer server;
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger webSockets = new AtomicInteger();
    private final Map<String, AtomicLong> uploaded = new ConcurrentHashMap<>();
    private final Set<String> closedConnections = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<Void> heldReleased = new CompletableFuture<>();

    private Upstream(Vertx vertx, boolean ownsVertx) {
        this.vertx = vertx;
        this.ownsVertx = ownsVertx;
        this.server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)
                .setMaxWebSocketFrameSize(1024 * 1024).setMaxWebSocketMessageSize(16 * 1024 * 1024));
        server.requestHandler(this::request);
        server.connectionHandler(connection -> {
            String remote = connection.remoteAddress().toString();
            connection.closeHandler(v -> closedConnections.add(remote));
        });
        Await.result(server.listen(), Duration.ofSeconds(10), "upstream listen");
    }

    /** An upstream on its own Vert.x instance (closed with it). */
    public static Upstream start() {
        return new Upstream(Vertx.vertx(), true);
    }

    /** An upstream on the caller's Vert.x instance. */
    public static Upstream start(Vertx vertx) {
        return new Upstream(vertx, false);
    }

    public int httpPort() {
        return server.actualPort();
    }

    /** {@code 127.0.0.1:<port>}, what the agent is told to forward to. */
    public String httpAddress() {
        return "127.0.0.1:" + httpPort();
    }

    public Vertx vertx() {
        return vertx;
    }

    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /** Whether a request for exactly {@code uri} was recorded (by now: to say one never came, check after the others). */
    public boolean saw(String uri) {
        return requests.stream().anyMatch(r -> r.uri().equals(uri));
    }

    /** The first recorded request matching, waiting for it up to {@code timeout}. */
    public RecordedRequest awaitRequest(Predicate<RecordedRequest> matcher, Duration timeout) {
        RecordedRequest[] found = new RecordedRequest[1];
        Await.until(() -> {
            for (RecordedRequest r : requests) {
                if (matcher.test(r)) {
                    found[0] = r;
                    return true;
                }
            }
            return false;
        }, timeout, Duration.ofMillis(20), () -> "upstream saw no such request; it saw " + requests.stream()
                .map(r -> r.method() + " " + r.uri()).toList());
        return found[0];
    }

    /** Lets every {@code /slow?hold=1} exchange, held now or later, send the rest of its body. */
    public void releaseHeld() {
        heldReleased.complete(null);
    }

    /** The remote addresses ("ip:port", as in {@link RecordedRequest#remoteAddress()}) of the connections closed so far. */
    public Set<String> closedConnections() {
        return Set.copyOf(closedConnections);
    }

    /** Body bytes {@code /upload} requests with this URI have delivered so far (all of them together). */
    public long uploadedBytes(String uri) {
        AtomicLong bytes = uploaded.get(uri);
        return bytes == null ? 0 : bytes.get();
    }

    /**
     * {@link #uploadedBytes} once it stops growing (the same in two looks {@code every} apart), waiting {@code within} at
     * most: what a body that was cut off delivered in the end.
     */
    public long settledUploadedBytes(String uri, Duration within, Duration every) {
        long[] last = {-1};
        Await.until(() -> {
            long now = uploadedBytes(uri);
            boolean settled = now == last[0];
            last[0] = now;
            return settled;
        }, within, every, () -> uri + " kept growing: " + last[0]);
        return last[0];
    }

    /** WebSocket connections accepted so far. */
    public int webSocketCount() {
        return webSockets.get();
    }

    private void record(HttpServerRequest req, byte[] body) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : req.headers()) {
            headers.computeIfAbsent(e.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(e.getValue());
        }
        requests.add(new RecordedRequest(req.method().name(), req.uri(), headers,
                req.remoteAddress() == null ? null : req.remoteAddress().toString(), body));
    }

    private void request(HttpServerRequest req) {
        String path = req.path();
        switch (path) {
            case "/echo" -> echo(req);
            case "/bytes" -> bytes(req);
            case "/upload" -> upload(req);
            case "/slow" -> slow(req);
            case "/ws" -> {
                record(req, null);
                req.toWebSocket().onSuccess(this::webSocket)
                        .onFailure(err -> req.response().setStatusCode(400).end("upstream: not a WebSocket upgrade\n"));
            }
            default -> {
                record(req, null);
                req.response().setStatusCode(404).putHeader(UPSTREAM_HEADER, UPSTREAM_HEADER_VALUE)
                        .end("upstream: no route " + path + "\n");
            }
        }
    }

    private void echo(HttpServerRequest req) {
        req.body().onSuccess(body -> {
            byte[] bytes = body.getBytes();
            record(req, bytes.length <= MAX_RECORDED_BODY ? bytes : null);
            HttpServerResponse resp = req.response();
            resp.setStatusCode(Integer.parseInt(param(req, "status", "200")));
            resp.putHeader(UPSTREAM_HEADER, UPSTREAM_HEADER_VALUE);
            resp.putHeader("X-Echo-Method", req.method().name());
            String id = req.getHeader("X-Request-Id");
            if (id != null) {
                resp.putHeader("X-Echo-Request-Id", id);
            }
            String type = req.getHeader("Content-Type");
            resp.putHeader("Content-Type", type != null ? type : "application/octet-stream");
            if ("1".equals(req.getParam("chunked"))) {
                resp.setChunked(true);
                int piece = Integer.parseInt(param(req, "piece", "1000"));
                for (int off = 0; off < bytes.length; off += piece) {
                    resp.write(body.slice(off, Math.min(bytes.length, off + piece)).copy());
                }
                resp.end();
            } else {
                resp.end(body);
            }
        }).onFailure(err -> req.response().setStatusCode(500).end("upstream: " + err));
    }

    private void bytes(HttpServerRequest req) {
        record(req, null);
        long n = Long.parseLong(param(req, "n", "0"));
        HttpServerResponse resp = req.response();
        resp.putHeader(UPSTREAM_HEADER, UPSTREAM_HEADER_VALUE).putHeader("Content-Type", "application/octet-stream");
        if ("1".equals(req.getParam("chunked"))) {
            resp.setChunked(true);
        } else {
            resp.putHeader("Content-Length", Long.toString(n));
        }
        new Pump(resp, n).run();
    }

    /** Writes the sequence while the response's write queue has room; resumes on drain. */
    private static final class Pump {
        private final HttpServerResponse resp;
        private final long total;
        private long sent;

        Pump(HttpServerResponse resp, long total) {
            this.resp = resp;
            this.total = total;
        }

        void run() {
            while (sent < total && !resp.writeQueueFull()) {
                int len = (int) Math.min(DeterministicBytes.MAX_CHUNK, total - sent);
                resp.write(DeterministicBytes.chunk(sent, len));
                sent += len;
            }
            if (sent >= total) {
                resp.end();
            } else {
                resp.drainHandler(v -> run());
            }
        }
    }

    private void slow(HttpServerRequest req) {
        record(req, null);
        long millis = Long.parseLong(param(req, "ms", "3000"));
        int n = Integer.parseInt(param(req, "n", "10000"));
        HttpServerResponse resp = req.response();
        resp.putHeader(UPSTREAM_HEADER, UPSTREAM_HEADER_VALUE).putHeader("Content-Type", "application/octet-stream")
                .putHeader("Content-Length", Integer.toString(n));
        resp.writeHead();
        int pieces = 10;
        long period = Math.max(1, millis / pieces);
        if ("1".equals(req.getParam("hold"))) {
            resp.write(DeterministicBytes.chunk(0, n / pieces));
            Context context = vertx.getOrCreateContext();
            heldReleased.thenRun(() -> context.runOnContext(v -> slowPiece(resp, n, pieces, 1, period)));
        } else {
            slowPiece(resp, n, pieces, 0, period);
        }
    }

    private void slowPiece(HttpServerResponse resp, int n, int pieces, int index, long period) {
        vertx.setTimer(period, id -> {
            int from = (int) ((long) n * index / pieces);
            int to = (int) ((long) n * (index + 1) / pieces);
            if (index + 1 == pieces) {
                resp.end(DeterministicBytes.chunk(from, to - from));
            } else {
                resp.write(DeterministicBytes.chunk(from, to - from));
                slowPiece(resp, n, pieces, index + 1, period);
            }
        });
    }

    private void upload(HttpServerRequest req) {
        record(req, null);
        DeterministicBytes.Verifier verifier = new DeterministicBytes.Verifier();
        AtomicLong received = uploaded.computeIfAbsent(req.uri(), uri -> new AtomicLong());
        req.handler(chunk -> {
            received.addAndGet(chunk.length());
            verifier.update(chunk);
        });
        req.endHandler(v -> req.response().putHeader(UPSTREAM_HEADER, UPSTREAM_HEADER_VALUE)
                .putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("bytes", verifier.count()).put("crc32", verifier.crc32())
                        .put("firstMismatch", verifier.firstMismatch()).encode()));
    }

    private void webSocket(ServerWebSocket ws) {
        webSockets.incrementAndGet();
        ws.textMessageHandler(text -> ws.writeTextMessage(text));
        ws.binaryMessageHandler(bytes -> ws.writeBinaryMessage(bytes));
    }

    private static String param(HttpServerRequest req, String name, String def) {
        String v = req.getParam(name);
        return v != null ? v : def;
    }

    @Override
    public void close() {
        Await.result(server.close(), Duration.ofSeconds(10), "upstream close");
        if (ownsVertx) {
            Await.result(vertx.close(), Duration.ofSeconds(10), "upstream vertx close");
        }
    }
}
