package dev.burrow.agent;

import dev.burrow.agent.inspect.CapturedExchange;
import dev.burrow.agent.inspect.ExchangeStore;
import dev.burrow.agent.inspect.Inspector;
import dev.burrow.agent.forward.HttpUpstream;
import dev.burrow.agent.testing.FakeEdge;
import dev.burrow.protocol.HttpRequestHead;
import dev.burrow.protocol.StreamOpen;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An HTTP endpoint with an exchange observer (the inspector's capture) and with HTTP/2 to the upstream. */
class ObservedForwardingTest extends FakeEdgeAndUpstreamTest {
    private static final int BIG = 8 * 1024 * 1024;

    private final Buffer big = Buffer.buffer(new byte[BIG]);
    private final List<HttpVersion> versions = new CopyOnWriteArrayList<>();
    private final List<String> authorities = new CopyOnWriteArrayList<>();

    @Override
    void upstream(HttpServerRequest request) {
        versions.add(request.version());
        authorities.add(String.valueOf(request.authority()));
        if (request.path().equals("/big")) {
            request.response().end(big);
        } else {
            request.body().onSuccess(body -> request.response().putHeader("Content-Type", "text/plain").end(body));
        }
    }

    @Test
    void everyExchangeIsCapturedWithBoundedBodiesAndTheOldestIsEvicted() throws Exception {
        BurrowSession session = session();
        Inspector inspector = new Inspector(vertx, 2, 100);
        URI target = URI.create("http://127.0.0.1:" + upstream.actualPort());
        session.httpEndpoint().subdomain("seen").observer(inspector.observe("web", HttpUpstream.of(target))).forward(target).await();
        String id = edge.endpointId("seen.localhost");

        assertEquals(BIG, send(id, "GET", "/big", null).body().length());
        assertEquals("hello", send(id, "POST", "/echo", Buffer.buffer("hello")).body().toString());
        assertEquals(300, send(id, "POST", "/echo?n=3", Buffer.buffer("x".repeat(300))).body().length());

        ExchangeStore store = inspector.store();
        awaitSize(store, 2);
        List<CapturedExchange> kept = store.list(10, null);
        assertEquals(List.of("/echo?n=3", "/echo"), kept.stream().map(CapturedExchange::uri).toList());
        CapturedExchange last = kept.get(0);
        assertEquals(300, last.requestBody().size());
        assertEquals(100, last.requestBody().bytes().length);
        assertTrue(last.requestBody().truncated());
        assertEquals(200, last.status());
        assertEquals("web", last.tunnelName());
        assertEquals("1.2.3.4:5", last.clientAddress());
        assertEquals("hello", new String(kept.get(1).responseBody().bytes()));
        assertTrue(kept.get(1).responseHeaders().contains(Map.entry("Content-Type", "text/plain")), kept.get(1).responseHeaders().toString());
        inspector.close().await();
        session.close().await();
    }

    @Test
    void http2ToTheUpstreamWhenAsked() throws Exception {
        BurrowSession session = session();
        URI target = URI.create("http://127.0.0.1:" + upstream.actualPort());
        session.httpEndpoint().subdomain("h1").forward(target).await();
        session.httpEndpoint().subdomain("h2").upstreamHttp2(true).forward(target).await();
        assertEquals("one", send(edge.endpointId("h1.localhost"), "POST", "/echo", Buffer.buffer("one")).body().toString());
        assertEquals("two", send(edge.endpointId("h2.localhost"), "POST", "/echo", Buffer.buffer("two")).body().toString());
        assertEquals(List.of(HttpVersion.HTTP_1_1, HttpVersion.HTTP_2), versions);
        assertEquals(List.of("x.localhost:8080", "x.localhost:8080"), authorities);
        session.close().await();
    }

    @Test
    void latencyIsTheLastHeartbeatRoundTrip() throws Exception {
        BurrowSession session = BurrowSession.builder(vertx).serverAddress("localhost:" + edge.port()).authtoken(FakeEdge.TOKEN)
                .edgeCa(edge.caFile()).heartbeatInterval(Duration.ofMillis(200)).connect().await();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (session.latency() == null && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Duration latency = session.latency();
        // A real round trip: measured, positive; the bound is generous because a stalled loaded host stretches it.
        assertTrue(latency != null && !latency.isNegative() && !latency.isZero()
                && latency.compareTo(Duration.ofSeconds(10)) < 0, "latency " + latency);
        session.close().await();
        assertEquals(null, session.latency());
    }

    private BurrowSession session() {
        return BurrowSession.builder(vertx).serverAddress("localhost:" + edge.port()).authtoken(FakeEdge.TOKEN)
                .edgeCa(edge.caFile()).connect().await();
    }

    private FakeEdge.Exchange send(String endpointId, String method, String uri, Buffer body) throws Exception {
        List<Map.Entry<String, String>> headers = new java.util.ArrayList<>(List.of(Map.entry("Host", "x.localhost:8080")));
        if (body != null) {
            headers.add(Map.entry("Content-Length", String.valueOf(body.length())));
        }
        return edge.exchange(StreamOpen.http(endpointId, "1.2.3.4:5", new HttpRequestHead(method, uri, headers)), body)
                .await(20, TimeUnit.SECONDS);
    }

    private static void awaitSize(ExchangeStore store, int size) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (store.size() < size && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(size, store.size());
    }
}
