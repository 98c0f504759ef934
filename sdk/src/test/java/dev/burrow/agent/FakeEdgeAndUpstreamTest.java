package dev.burrow.agent;

import dev.burrow.agent.testing.FakeEdge;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The fixture of the SDK forwarding tests: a {@link FakeEdge} and an HTTP upstream on 127.0.0.1 (ports from the OS)
 * that answers with {@link #upstream}; both closed after each test.
 */
@ExtendWith(VertxExtension.class)
abstract class FakeEdgeAndUpstreamTest {
    Vertx vertx;
    FakeEdge edge;
    HttpServer upstream;

    /** What the upstream does with each request. */
    abstract void upstream(HttpServerRequest request);

    @BeforeEach
    void startEdgeAndUpstream(Vertx vertx) {
        this.vertx = vertx;
        edge = new FakeEdge(vertx).start(0).await();
        upstream = vertx.createHttpServer().requestHandler(this::upstream).listen(0, "127.0.0.1").await();
    }

    @AfterEach
    void stopEdgeAndUpstream() {
        upstream.close().await();
        edge.close().await();
    }
}
