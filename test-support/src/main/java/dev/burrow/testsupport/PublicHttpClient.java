package dev.burrow.testsupport;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.SocketAddress;

import java.time.Duration;

/**
 * A Vert.x HTTP and WebSocket client for an edge's public HTTP port: it always connects to 127.0.0.1:port and sends
 * the endpoint's name as the Host header ({@code NAME.localhost:port}), as a browser resolving *.localhost would.
 */
public final class PublicHttpClient implements AutoCloseable {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

    /** A fully read response. */
    public record Response(int status, MultiMap headers, Buffer body) {
        public String bodyText() {
            return body.toString();
        }

        public String header(String name) {
            return headers.get(name);
        }
    }

    /** A response whose body was checked against {@link DeterministicBytes} as it streamed in. */
    public record Download(int status, MultiMap headers, DeterministicBytes.Verifier verifier) {
    }

    private final Vertx vertx;
    private final int edgeHttpPort;
    private final HttpClientAgent client;
    private final WebSocketClient webSockets;

    public PublicHttpClient(Vertx vertx, int edgeHttpPort, int poolSize) {
        this.vertx = vertx;
        this.edgeHttpPort = edgeHttpPort;
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setIdleTimeout(60),
                new PoolOptions().setHttp1MaxSize(poolSize).setMaxWaitQueueSize(-1));
        this.webSockets = vertx.createWebSocketClient(new WebSocketClientOptions()
                .setMaxFrameSize(1024 * 1024).setMaxMessageSize(16 * 1024 * 1024));
    }

    public Vertx vertx() {
        return vertx;
    }

    /** Request options aimed at 127.0.0.1:edgeHttpPort with {@code Host: <hostName>:edgeHttpPort}. */
    public RequestOptions options(HttpMethod method, String hostName, String uri) {
        return new RequestOptions().setMethod(method)
                .setServer(SocketAddress.inetSocketAddress(edgeHttpPort, "127.0.0.1"))
                .setHost(hostName).setPort(edgeHttpPort).setURI(uri)
                .setIdleTimeout(30_000);
    }

    /** Sends a request (body may be null) and reads the whole response. */
    public Future<Response> send(HttpMethod method, String hostName, String uri, MultiMap headers, Buffer body) {
        RequestOptions opts = options(method, hostName, uri);
        if (headers != null) {
            opts.setHeaders(headers);
        }
        return client.request(opts)
                .compose(req -> body == null ? req.send() : req.send(body))
                .compose(resp -> resp.body().map(b -> new Response(resp.statusCode(), resp.headers(), b)));
    }

    public Response get(String hostName, String uri) {
        return Await.result(send(HttpMethod.GET, hostName, uri, null, null), DEFAULT_TIMEOUT,
                "GET http://" + hostName + ":" + edgeHttpPort + uri);
    }

    public Response post(String hostName, String uri, MultiMap headers, Buffer body) {
        return Await.result(send(HttpMethod.POST, hostName, uri, headers, body), DEFAULT_TIMEOUT,
                "POST http://" + hostName + ":" + edgeHttpPort + uri);
    }

    /** GET whose response body is verified against {@link DeterministicBytes} while it streams (never buffered). */
    public Future<Download> download(String hostName, String uri) {
        return client.request(options(HttpMethod.GET, hostName, uri))
                .compose(HttpClientRequest::send)
                .compose(resp -> {
                    DeterministicBytes.Verifier verifier = new DeterministicBytes.Verifier();
                    resp.handler(verifier::update);
                    return resp.end().map(v -> new Download(resp.statusCode(), resp.headers(), verifier));
                });
    }

    /** POSTs the first {@code n} bytes of {@link DeterministicBytes} with Content-Length, honouring backpressure. */
    public Future<Response> upload(String hostName, String uri, long n) {
        return client.request(options(HttpMethod.POST, hostName, uri))
                .compose(req -> {
                    req.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(n));
                    req.putHeader(HttpHeaders.CONTENT_TYPE, "application/octet-stream");
                    new WritePump(req, n).run();
                    return req.response();
                })
                .compose(resp -> resp.body().map(b -> new Response(resp.statusCode(), resp.headers(), b)));
    }

    private static final class WritePump {
        private final HttpClientRequest req;
        private final long total;
        private long sent;

        WritePump(HttpClientRequest req, long total) {
            this.req = req;
            this.total = total;
        }

        void run() {
            while (sent < total && !req.writeQueueFull()) {
                int len = (int) Math.min(DeterministicBytes.MAX_CHUNK, total - sent);
                req.write(DeterministicBytes.chunk(sent, len));
                sent += len;
            }
            if (sent >= total) {
                req.end();
            } else {
                req.drainHandler(v -> run());
            }
        }
    }

    /**
     * Opens a WebSocket to {@code ws://<hostName>:port<uri>} through the edge. (Vert.x 5.0.7's WebSocket client
     * ignores {@code setServer}, so it connects to 127.0.0.1 and the Host header is set explicitly.)
     */
    public Future<WebSocket> webSocket(String hostName, String uri) {
        WebSocketConnectOptions opts = new WebSocketConnectOptions();
        opts.setHost("127.0.0.1").setPort(edgeHttpPort).setURI(uri);
        opts.putHeader(HttpHeaders.HOST, hostName + ":" + edgeHttpPort);
        opts.setTimeout(15_000);
        return webSockets.connect(opts);
    }

    @Override
    public void close() {
        Await.result(client.close(), Duration.ofSeconds(10), "close public http client");
        Await.result(webSockets.close(), Duration.ofSeconds(10), "close public websocket client");
    }
}
