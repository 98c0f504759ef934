package dev.burrow.edge.ops;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

import java.util.function.Supplier;

/**
 * The operations port: {@code /healthz} (the process is alive), {@code /readyz} (200 when the node can accept agents
 * and bind endpoints, otherwise 503 with every reason, see {@link Readiness}) and {@code /metrics} (Prometheus text
 * format).
 */
public final class OpsServer {
    private final Vertx vertx;
    private final PrometheusMeterRegistry metrics;
    private final Supplier<String> notReadyReason;
    private final String bindAddress;
    private final int port;
    private HttpServer server;
    private java.util.function.Consumer<Router> extraRoutes = router -> { };

    /**
     * @param notReadyReason null when ready, else why not (for example "draining")
     */
    public OpsServer(Vertx vertx, PrometheusMeterRegistry metrics, Supplier<String> notReadyReason, String bindAddress, int port) {
        this.vertx = vertx;
        this.metrics = metrics;
        this.notReadyReason = notReadyReason;
        this.bindAddress = bindAddress;
        this.port = port;
    }

    /** Routes to serve besides the health and metrics ones (the admin API); call before {@link #listen()}. */
    public OpsServer withRoutes(java.util.function.Consumer<Router> routes) {
        this.extraRoutes = routes;
        return this;
    }

    public Future<Integer> listen() {
        Router router = Router.router(vertx);
        extraRoutes.accept(router);
        router.get("/healthz").handler(ctx -> ctx.response().putHeader("content-type", "text/plain").end("ok\n"));
        router.get("/readyz").handler(ctx -> {
            String reason = notReadyReason.get();
            ctx.response().putHeader("content-type", "text/plain")
                    .setStatusCode(reason == null ? 200 : 503)
                    .end(reason == null ? "ready\n" : "not ready: " + reason + "\n");
        });
        router.get("/metrics").handler(ctx -> ctx.response()
                .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
                .end(metrics.scrape()));
        return vertx.createHttpServer(new HttpServerOptions().setHost(bindAddress).setPort(port))
                .requestHandler(router)
                .listen()
                .onSuccess(s -> server = s)
                .map(HttpServer::actualPort);
    }

    public Future<Void> close() {
        return server == null ? Future.succeededFuture() : server.close();
    }
}
