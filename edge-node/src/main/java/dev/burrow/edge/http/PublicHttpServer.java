package dev.burrow.edge.http;

import dev.burrow.edge.link.AgentLinks;
import dev.burrow.edge.registry.EndpointRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public HTTP listener (HTTP/1.1 with keep-alive, and h2c): every request is routed by its Host to an endpoint
 * and relayed as an {@link HttpExchange}. {@code Expect: 100-continue} is answered here, not forwarded. This class
 * only wires.
 */
public final class PublicHttpServer {
    private static final Logger LOG = LoggerFactory.getLogger(PublicHttpServer.class);

    private final Vertx vertx;
    private final EndpointRegistry registry;
    private final AgentLinks links;
    private final HttpServerOptions options;
    private HttpServer server;

    public PublicHttpServer(Vertx vertx, EndpointRegistry registry, AgentLinks links, String bindAddress, int port) {
        this.vertx = vertx;
        this.registry = registry;
        this.links = links;
        this.options = new HttpServerOptions()
                .setHost(bindAddress)
                .setPort(port)
                .setTcpNoDelay(true)
                .setHttp2ClearTextEnabled(true)
                .setHandle100ContinueAutomatically(true);
    }

    /** Starts listening; completes with the bound port. */
    public Future<Integer> listen() {
        server = vertx.createHttpServer(options).requestHandler(this::onRequest);
        return server.listen().map(HttpServer::actualPort);
    }

    private void onRequest(HttpServerRequest request) {
        try {
            new HttpExchange(request, Vertx.currentContext(), registry, links).start();
        } catch (RuntimeException e) {
            LOG.error("http: internal error on {} {}", request.method(), request.uri(), e);
            if (!request.response().headWritten()) {
                request.response().setStatusCode(500).end();
            } else {
                request.connection().close();
            }
        }
    }

    /** Stops listening and closes open connections. */
    public Future<Void> close() {
        return server == null ? Future.succeededFuture() : server.close();
    }
}
