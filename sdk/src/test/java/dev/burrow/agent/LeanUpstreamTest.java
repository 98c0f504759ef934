package dev.burrow.agent;

import dev.burrow.agent.testing.FakeEdge;
import dev.burrow.mux.MuxStream;
import dev.burrow.mux.StreamResetException;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.protocol.HttpRequestHead;
import dev.burrow.protocol.HttpResponseHead;
import dev.burrow.protocol.HttpTrailers;
import dev.burrow.protocol.PooledPayloads;
import dev.burrow.protocol.StreamOpen;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lean HTTP/1.1 path to a plain-HTTP upstream, against the fake edge: connection reuse, bodiless responses,
 * trailers, chunked uploads, and what happens to the upstream connection when either side breaks off.
 */
@ExtendWith(VertxExtension.class)
class LeanUpstreamTest {
    private static final int BIG = 32 * 1024 * 1024;

    private Vertx vertx;
    private FakeEdge edge;
    private HttpServer upstream;
    private final AtomicInteger upstreamConnections = new AtomicInteger();
    private final List<Promise<Void>> upstreamClosed = new CopyOnWriteArrayList<>();
    private BurrowSession session;
    private int endpoints;

    @BeforeEach
    void start(Vertx vertx) {
        this.vertx = vertx;
        edge = new FakeEdge(vertx).start(0).await();
        upstream = vertx.createHttpServer()
                .connectionHandler(connection -> {
                    upstreamConnections.incrementAndGet();
                    Promise<Void> closed = Promise.promise();
                    upstreamClosed.add(closed);
                    connection.closeHandler(v -> closed.tryComplete());
                })
                .requestHandler(this::serve).listen(0, "127.0.0.1").await();
        session = BurrowSession.builder(vertx).serverAddress("localhost:" + edge.port()).authtoken(FakeEdge.TOKEN)
                .edgeCa(edge.caFile()).connect().await();
    }

    @AfterEach
    void stop() {
        session.close().await();
        upstream.close().await();
        edge.close().await();
    }

    private void serve(HttpServerRequest request) {
        switch (request.path()) {
            case "/big" -> request.response().end(Buffer.buffer(new byte[BIG]));
            case "/trailers" -> request.response().setChunked(true).putTrailer("grpc-status", "0").end("abc");
            case "/length" -> request.response().putHeader("content-length", "1000").end();
            case "/no-content" -> request.response().setStatusCode(204).end();
            case "/not-modified" -> request.response().setStatusCode(304).end();
            case "/echo" -> request.body().onSuccess(body -> request.response()
                    .putHeader("x-request-chunked", String.valueOf(request.headers().contains("transfer-encoding", "chunked", true)))
                    .end(body));
            default -> request.response().end("hello " + request.path());
        }
    }

    private String forwardTo(URI target) {
        String name = "lean" + endpoints++;
        session.httpEndpoint().subdomain(name).forward(target).await();
        return edge.endpointId(name + ".localhost");
    }

    private String forward() {
        return forwardTo(URI.create("http://127.0.0.1:" + upstream.actualPort()));
    }

    private MuxStream open(String id, String method, String path, Map.Entry<String, String>... extra) {
        List<Map.Entry<String, String>> headers = new ArrayList<>(List.of(Map.entry("Host", "lean.localhost:8080")));
        headers.addAll(List.of(extra));
        return edge.open(StreamOpen.http(id, "1.2.3.4:5", new HttpRequestHead(method, path, headers)));
    }

    @Test
    void sequentialExchangesShareOneUpstreamConnection() throws Exception {
        String id = forward();
        for (int i = 0; i < 5; i++) {
            FakeEdge.Exchange exchange = FakeEdge.exchange(open(id, "GET", "/seq" + i), null).await(10, TimeUnit.SECONDS);
            assertEquals(200, exchange.head().status());
            assertEquals("hello /seq" + i, exchange.body().toString());
        }
        assertEquals(1, upstreamConnections.get());
    }

    @Test
    void headNoContentAndNotModifiedEndWithoutABodyAndKeepTheConnection() throws Exception {
        String id = forward();
        FakeEdge.Exchange head = FakeEdge.exchange(open(id, "HEAD", "/length"), null).await(10, TimeUnit.SECONDS);
        assertEquals(200, head.head().status());
        assertTrue(head.head().headers().contains(Map.entry("content-length", "1000")), head.head().headers().toString());
        assertEquals(0, head.body().length());
        assertEquals(204, FakeEdge.exchange(open(id, "GET", "/no-content"), null).await(10, TimeUnit.SECONDS).head().status());
        FakeEdge.Exchange notModified = FakeEdge.exchange(open(id, "GET", "/not-modified"), null).await(10, TimeUnit.SECONDS);
        assertEquals(304, notModified.head().status());
        assertEquals(0, notModified.body().length());
        assertEquals("hello /after", FakeEdge.exchange(open(id, "GET", "/after"), null).await(10, TimeUnit.SECONDS).body().toString());
        assertEquals(1, upstreamConnections.get());
    }

    @Test
    void aChunkedResponseEndsWithTheUpstreamsTrailers() throws Exception {
        MuxStream stream = open(forward(), "GET", "/trailers");
        FakeEdge.Exchange exchange = FakeEdge.exchange(stream, null).await(10, TimeUnit.SECONDS);
        assertEquals("abc", exchange.body().toString());
        HttpTrailers trailers = stream.trailers();
        assertTrue(trailers != null && trailers.fields().contains(Map.entry("grpc-status", "0")), String.valueOf(trailers));
    }

    @Test
    void aChunkedUploadReachesTheUpstreamChunkedAndWhole() throws Exception {
        MuxStream stream = open(forward(), "POST", "/echo", Map.entry("Transfer-Encoding", "chunked"));
        Promise<HttpResponseHead> head = Promise.promise();
        Buffer body = Buffer.buffer();
        Promise<Buffer> ended = Promise.promise();
        stream.headersHandler(head::tryComplete);
        stream.handler(body::appendBuffer);
        stream.endHandler(v -> ended.tryComplete(body));
        stream.exceptionHandler(ended::tryFail);
        Buffer sent = Buffer.buffer();
        for (int i = 0; i < 3; i++) {
            Buffer piece = Buffer.buffer(new byte[100_000]).setInt(0, i);
            sent.appendBuffer(piece);
            stream.write(piece);
        }
        stream.end();
        assertEquals(sent, ended.future().await(10, TimeUnit.SECONDS));
        assertTrue(head.future().await().headers().contains(Map.entry("x-request-chunked", "true")), head.future().result().toString());
    }

    @Test
    void aClientThatResetsMidDownloadClosesTheUpstreamConnectionAndTheNextExchangeOpensAnother() throws Exception {
        String id = forward();
        MuxStream download = open(id, "GET", "/big");
        Promise<Void> someArrived = Promise.promise();
        AtomicInteger received = new AtomicInteger();
        AtomicInteger largestPiece = new AtomicInteger();
        download.handler(data -> {
            largestPiece.accumulateAndGet(data.length(), Math::max);
            if (received.addAndGet(data.length()) >= 1024 * 1024) {
                someArrived.tryComplete();
            }
        });
        download.end();
        someArrived.future().await(10, TimeUnit.SECONDS);
        download.reset(ErrorCode.STREAM_CANCELLED, "the client went away");
        upstreamClosed.get(0).future().await(10, TimeUnit.SECONDS);
        assertTrue(received.get() < BIG, "the whole body arrived before the reset: " + received.get());
        // What shows that the lean codec carried it: the Vert.x client cuts a body into pieces of 8 KiB, the codec reads
        // up to 64 KiB at a time, and each piece travels as one DATA frame.
        assertTrue(largestPiece.get() > 8192, "largest body piece " + largestPiece.get() + " bytes");
        assertEquals("hello /next", FakeEdge.exchange(open(id, "GET", "/next"), null).await(10, TimeUnit.SECONDS).body().toString());
        assertEquals(2, upstreamConnections.get());
        awaitEveryPooledPieceReleased();
    }

    /** Every body piece handed to the link as pooled memory comes back (the link released it, or the reset did). */
    private static void awaitEveryPooledPieceReleased() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (PooledPayloads.outstanding() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, PooledPayloads.outstanding(), "pooled body pieces not released");
        assertEquals(0, PooledPayloads.outstandingBytes(), "bytes of pooled body pieces not given back");
    }

    @Test
    void anUpstreamThatClosesMidBodyResetsTheStreamInsteadOfEndingIt() throws Exception {
        NetServer cutting = rawUpstream(socket -> socket.write(Buffer.buffer("HTTP/1.1 200 OK\r\nContent-Length: 1048576\r\n\r\n")
                .appendBuffer(Buffer.buffer(new byte[524_288]))).onComplete(v -> socket.close()));
        Throwable failure = FakeEdge.exchange(open(forwardTo(URI.create("http://127.0.0.1:" + cutting.actualPort())), "GET", "/"), null)
                .transform(Future::succeededFuture).await(10, TimeUnit.SECONDS).cause();
        StreamResetException reset = assertInstanceOf(StreamResetException.class, failure);
        assertEquals(ErrorCode.UPSTREAM_ERROR, reset.code());
        cutting.close().await();
        awaitEveryPooledPieceReleased();
    }

    @Test
    void anOversizedResponseHeadIsAnUpstreamErrorNotAHang() throws Exception {
        NetServer oversized = rawUpstream(socket -> socket.write("HTTP/1.1 200 OK\r\nX-Big: " + "a".repeat(20_000)
                + "\r\nContent-Length: 0\r\n\r\n"));
        Throwable failure = FakeEdge.exchange(open(forwardTo(URI.create("http://127.0.0.1:" + oversized.actualPort())), "GET", "/"), null)
                .transform(Future::succeededFuture).await(10, TimeUnit.SECONDS).cause();
        StreamResetException reset = assertInstanceOf(StreamResetException.class, failure);
        assertEquals(ErrorCode.UPSTREAM_ERROR, reset.code());
        assertTrue(reset.getMessage().contains("127.0.0.1:" + oversized.actualPort()), reset.getMessage());
        oversized.close().await();
    }

    /** A server that answers the first bytes of each connection with {@code answer}. */
    private NetServer rawUpstream(io.vertx.core.Handler<NetSocket> answer) {
        return vertx.createNetServer().connectHandler(socket -> socket.handler(data -> {
            socket.handler(null);
            answer.handle(socket);
        })).listen(0, "127.0.0.1").await();
    }
}
