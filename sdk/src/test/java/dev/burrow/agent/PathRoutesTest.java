package dev.burrow.agent;

import dev.burrow.agent.testing.FakeEdge;
import dev.burrow.protocol.HttpRequestHead;
import dev.burrow.protocol.StreamOpen;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One hostname, several upstreams by path (an Ingress's path rules): an exact path first, then the longest whole-segment
 * prefix; without a default upstream, a path no route takes answers 404.
 */
class PathRoutesTest extends FakeEdgeAndUpstreamTest {

    @Override
    void upstream(HttpServerRequest request) {
        request.response().end("default " + request.uri());
    }

    private FakeEdge.Exchange get(String endpointId, String uri) throws Exception {
        return FakeEdge.exchange(edge.open(StreamOpen.http(endpointId, "1.2.3.4:5",
                new HttpRequestHead("GET", uri, List.of(Map.entry("Host", "routed.localhost"))))), null).await(20, TimeUnit.SECONDS);
    }

    private BurrowSession connect() throws Exception {
        return BurrowSession.builder(vertx).serverAddress(edge.address()).authtoken(FakeEdge.TOKEN)
                .edgeCa(edge.caFile()).links(1).connect().await(20, TimeUnit.SECONDS);
    }

    @Test
    void eachPathGoesToTheUpstreamOfItsLongestPrefix() throws Exception {
        HttpServer api = vertx.createHttpServer().requestHandler(r -> r.response().end("api " + r.uri())).listen(0, "127.0.0.1").await();
        HttpServer v2 = vertx.createHttpServer().requestHandler(r -> r.response().end("v2 " + r.uri())).listen(0, "127.0.0.1").await();
        BurrowSession session = connect();
        try {
            session.httpEndpoint().hostname("routed.localhost")
                    .route("/api", URI.create("http://127.0.0.1:" + api.actualPort()))
                    .route("/api/v2/", URI.create("http://127.0.0.1:" + v2.actualPort()))
                    .forward(URI.create("http://127.0.0.1:" + upstream.actualPort())).await(20, TimeUnit.SECONDS);
            String id = edge.endpointId("routed.localhost");
            assertEquals("api /api", get(id, "/api").body().toString());
            assertEquals("api /api/users?page=2", get(id, "/api/users?page=2").body().toString());
            assertEquals("v2 /api/v2/items", get(id, "/api/v2/items").body().toString());
            assertEquals("api /api/v2x", get(id, "/api/v2x").body().toString());
            assertEquals("default /apix", get(id, "/apix").body().toString());
            assertEquals("default /", get(id, "/").body().toString());
            assertEquals(200, get(id, "/api").head().status());
        } finally {
            session.close().await(20, TimeUnit.SECONDS);
            api.close().await();
            v2.close().await();
        }
    }

    @Test
    void anExactPathTakesOnlyItselfAndWithoutADefaultAnUnmatchedPathAnswers404() throws Exception {
        HttpServer exact = vertx.createHttpServer().requestHandler(r -> r.response().end("exact " + r.uri())).listen(0, "127.0.0.1").await();
        BurrowSession session = connect();
        try {
            session.httpEndpoint().hostname("routed.localhost")
                    .routeExact("/login", URI.create("http://127.0.0.1:" + exact.actualPort()))
                    .route("/", URI.create("http://127.0.0.1:" + upstream.actualPort()))
                    .route("/app", URI.create("http://127.0.0.1:" + upstream.actualPort()))
                    .forwardRoutes().await(20, TimeUnit.SECONDS);
            String id = edge.endpointId("routed.localhost");
            assertEquals("exact /login?next=%2F", get(id, "/login?next=%2F").body().toString());
            assertEquals("default /login/x", get(id, "/login/x").body().toString());
            assertEquals("default /app/login", get(id, "/app/login").body().toString());
        } finally {
            session.close().await(20, TimeUnit.SECONDS);
            exact.close().await();
        }
    }

    @Test
    void withoutADefaultUpstreamAPathNoRouteTakesAnswers404() throws Exception {
        BurrowSession session = connect();
        try {
            session.httpEndpoint().hostname("routed.localhost")
                    .routeExact("/health", URI.create("http://127.0.0.1:" + upstream.actualPort()))
                    .route("/api", URI.create("http://127.0.0.1:" + upstream.actualPort()))
                    .forwardRoutes().await(20, TimeUnit.SECONDS);
            String id = edge.endpointId("routed.localhost");
            assertEquals("default /health", get(id, "/health").body().toString());
            assertEquals("default /api/x", get(id, "/api/x").body().toString());
            FakeEdge.Exchange unmatched = get(id, "/other");
            assertEquals(404, unmatched.head().status());
            assertEquals(404, get(id, "/health/x").head().status());
            assertEquals(404, get(id, "/").head().status());
        } finally {
            session.close().await(20, TimeUnit.SECONDS);
        }
    }
}
