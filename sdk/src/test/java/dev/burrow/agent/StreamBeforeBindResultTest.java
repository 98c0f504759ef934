package dev.burrow.agent;

import dev.burrow.agent.testing.FakeEdge;
import dev.burrow.mux.MuxStream;
import dev.burrow.protocol.HttpRequestHead;
import dev.burrow.protocol.StreamOpen;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A cluster node may route a public connection over a link as soon as its registry lists the bind, so the stream can
 * reach the agent a moment before the BIND_RESULT on the same link. The agent holds it until the answer is in and
 * serves it, instead of resetting it as an unknown endpoint.
 */
@ExtendWith(VertxExtension.class)
class StreamBeforeBindResultTest {
    private static final long WAIT_SECONDS = 10;

    private FakeEdge edge;
    private BurrowSession session;

    @AfterEach
    void stop() throws Exception {
        if (session != null) {
            session.close().await(WAIT_SECONDS, TimeUnit.SECONDS);
        }
        if (edge != null) {
            edge.close().await();
        }
    }

    @Test
    void aStreamThatArrivesBeforeItsBindResultIsServed(Vertx vertx) throws Exception {
        edge = new FakeEdge(vertx).streamBeforeBindResult(id -> StreamOpen.tcp(id, "1.2.3.4:5")).start(0).await();
        session = BurrowSession.builder(vertx).serverAddress(edge.address()).authtoken(FakeEdge.TOKEN)
                .edgeCa(edge.caFile()).reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(200)).connect()
                .await(WAIT_SECONDS, TimeUnit.SECONDS);
        EndpointListener listener = session.tcpEndpoint().listen().await(WAIT_SECONDS, TimeUnit.SECONDS);
        listener.connectionHandler(connection -> connection.pipeTo(connection));

        List<MuxStream> early = edge.earlyStreams();
        assertEquals(1, early.size());
        MuxStream stream = early.get(0);
        Promise<String> echoed = Promise.promise();
        Buffer received = Buffer.buffer();
        vertx.runOnContext(v -> {
            stream.handler(received::appendBuffer);
            stream.endHandler(end -> echoed.tryComplete(received.toString()));
            stream.exceptionHandler(echoed::tryFail);
            stream.end(Buffer.buffer("sent before the bind result"));
        });
        assertEquals("sent before the bind result", echoed.future().await(WAIT_SECONDS, TimeUnit.SECONDS));
    }

    /**
     * A public GET (OPEN and END, no body) that reaches the agent before the BIND_RESULT: the agent holds the stream
     * with no handler on it while the END arrives. The end must still reach the upstream request, or the upstream
     * never sees the request and the visitor waits until it gives up.
     */
    @Test
    void aBodylessRequestThatArrivesBeforeItsBindResultReachesTheUpstream(Vertx vertx) throws Exception {
        AtomicInteger upstreamRequests = new AtomicInteger();
        HttpServer upstream = vertx.createHttpServer().requestHandler(request -> {
            upstreamRequests.incrementAndGet();
            request.response().putHeader("Connection", "close").end("served " + request.uri());
        }).listen(0, "127.0.0.1").await(WAIT_SECONDS, TimeUnit.SECONDS);
        edge = new FakeEdge(vertx).requestBeforeBindResult(id -> StreamOpen.http(id, "1.2.3.4:5",
                new HttpRequestHead("GET", "/first", List.of(Map.entry("Host", "app.localhost"))))).start(0).await();
        session = BurrowSession.builder(vertx).serverAddress(edge.address()).authtoken(FakeEdge.TOKEN)
                .edgeCa(edge.caFile()).reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(200)).connect()
                .await(WAIT_SECONDS, TimeUnit.SECONDS);
        session.httpEndpoint().hostname("app.localhost").forward("http://127.0.0.1:" + upstream.actualPort())
                .await(WAIT_SECONDS, TimeUnit.SECONDS);

        List<io.vertx.core.Future<FakeEdge.Exchange>> early = edge.earlyExchanges();
        assertEquals(1, early.size());
        FakeEdge.Exchange exchange = early.get(0).await(WAIT_SECONDS, TimeUnit.SECONDS);
        assertEquals(200, exchange.head().status());
        assertEquals("served /first", exchange.body().toString());
        assertEquals(1, upstreamRequests.get(), "requests the upstream saw");
    }
}
