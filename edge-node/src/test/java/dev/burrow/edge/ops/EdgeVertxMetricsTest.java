package dev.burrow.edge.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The node's Vert.x HTTP server metrics read as the library's would: the same requests against a server with the
 * library's metrics and one with the node's give the same {@code vertx_http_server_*} series, descriptions and values
 * (all but the times); past the method cap a new method is counted as {@code (other)}.
 */
class EdgeVertxMetricsTest {
    private static final long WAIT_MILLIS = 10_000;
    private final List<Vertx> started = new ArrayList<>();

    @AfterEach
    void closeVertx() {
        started.forEach(vertx -> vertx.close().await());
    }

    @Test
    void theSameTrafficReadsTheSameAsWithTheLibrarysMetrics() throws Exception {
        PrometheusMeterRegistry library = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        PrometheusMeterRegistry node = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        MicrometerMetricsOptions libraryOptions = new MicrometerMetricsOptions().setEnabled(true)
                .setRegistryName("library-" + UUID.randomUUID());

        String libraryScrape = scrapeAfterTraffic(library, new MicrometerMetricsFactory(library), libraryOptions);
        String nodeScrape = scrapeAfterTraffic(node, new EdgeVertxMetrics(node), EdgeVertxMetrics.options());

        List<String> expected = httpServerLines(libraryScrape);
        assertTrue(expected.contains("vertx_http_server_requests_total{code=\"201\",method=\"POST\"} 2.0"), libraryScrape);
        assertTrue(expected.contains("vertx_http_server_active_ws_connections 1.0"), libraryScrape);
        assertTrue(expected.contains("vertx_http_server_request_resets_total{method=\"PUT\"} 1.0"), libraryScrape);
        assertEquals(expected, httpServerLines(nodeScrape));
    }

    @Test
    void pastTheCapANewMethodIsCountedAsOther() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        HttpRequestMeters meters = new HttpRequestMeters(registry);
        for (int i = 0; i < HttpRequestMeters.MAX_METHODS + 5; i++) {
            meters.method(HttpMethod.valueOf("M" + i)).status(200).requests.increment();
        }
        meters.method(HttpMethod.GET).status(200).requests.increment();

        assertEquals(HttpRequestMeters.MAX_METHODS + 1, registry.find("vertx.http.server.requests").counters().size());
        Counter other = registry.find("vertx.http.server.requests").tag("method", HttpRequestMeters.OTHER_METHOD).counter();
        assertNotNull(other);
        assertEquals(6.0, other.count(), "the five methods past the cap and GET, which came after them");
        assertEquals(1.0, registry.get("vertx.http.server.requests").tag("method", "M0").counter().count());
    }

    /**
     * Two GETs (200, 404), two POSTs with a body (201), one unusual method, a PUT whose client goes away before its
     * body is complete (a reset), and a WebSocket left open; then the registry's scrape.
     */
    private String scrapeAfterTraffic(PrometheusMeterRegistry registry, VertxMetricsFactory metrics,
                                      MicrometerMetricsOptions options) throws Exception {
        Vertx vertx = Vertx.builder().with(new VertxOptions().setMetricsOptions(options)).withMetrics(metrics).build();
        started.add(vertx);
        HttpServer server = vertx.createHttpServer()
                .requestHandler(request -> request.body().onSuccess(body -> {
                    switch (request.path()) {
                        case "/ok" -> request.response().end("hello");
                        case "/echo" -> request.response().setStatusCode(201).end(body);
                        default -> request.response().setStatusCode(404).end("no such page");
                    }
                }))
                .webSocketHandler(webSocket -> { });
        int port = server.listen(0, "127.0.0.1").await().actualPort();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI base = URI.create("http://127.0.0.1:" + port);
        send(client, HttpRequest.newBuilder(base.resolve("/ok")).GET(), 200);
        send(client, HttpRequest.newBuilder(base.resolve("/nothing")).GET(), 404);
        send(client, HttpRequest.newBuilder(base.resolve("/echo")).POST(HttpRequest.BodyPublishers.ofString("0123456789")), 201);
        send(client, HttpRequest.newBuilder(base.resolve("/echo")).POST(HttpRequest.BodyPublishers.ofString("abc")), 201);
        send(client, HttpRequest.newBuilder(base.resolve("/ok")).method("FROB", HttpRequest.BodyPublishers.noBody()), 200);
        sendHalfAPut(port);
        WebSocketClient webSockets = vertx.createWebSocketClient();
        WebSocket open = webSockets.connect(port, "127.0.0.1", "/ws").await();
        awaitSum(registry, "vertx.http.server.requests", 6); // the five above and the WebSocket handshake
        awaitSum(registry, "vertx.http.server.request.resets", 1);
        awaitSum(registry, "vertx.http.server.active.ws.connections", 1);
        String scrape = registry.scrape();
        open.close().await();
        return scrape;
    }

    private static void send(HttpClient client, HttpRequest.Builder request, int status) throws Exception {
        HttpResponse<String> response = client.send(request.header("X-Test", "same-bytes").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(status, response.statusCode());
    }

    private static void sendHalfAPut(int port) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write("PUT /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly this".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
    }

    /**
     * Waits until the meters named {@code name} add up to {@code expected}: Vert.x reports what the server did as it
     * does it, not necessarily before the client has read the answer.
     */
    private static void awaitSum(PrometheusMeterRegistry registry, String name, double expected) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        double seen = 0;
        while (System.currentTimeMillis() < deadline) {
            seen = registry.find(name).meters().stream().mapToDouble(meter -> meter.measure().iterator().next().getValue()).sum();
            if (seen == expected) {
                return;
            }
            Thread.sleep(10);
        }
        assertEquals(expected, seen, name + " within " + WAIT_MILLIS + " ms");
    }

    /**
     * The {@code vertx_http_server_*} lines of a scrape, sorted, with the values that depend on time (response times,
     * and bytes read, which include the client's Host header with its port) replaced by {@code *}.
     */
    private static List<String> httpServerLines(String scrape) {
        return scrape.lines()
                .filter(line -> line.contains("vertx_http_server_"))
                .map(line -> line.startsWith("#") || !(line.startsWith("vertx_http_server_response_time_seconds")
                        || line.startsWith("vertx_http_server_bytes_read"))
                        ? line : line.substring(0, line.lastIndexOf(' ')) + " *")
                .sorted()
                .toList();
    }
}
