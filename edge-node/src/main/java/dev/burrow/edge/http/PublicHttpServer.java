package dev.burrow.edge.http;

import dev.burrow.edge.config.ProxyProtocolSettings;
import dev.burrow.edge.config.StreamTimeouts;
import dev.burrow.edge.deploy.ListenerDeployment;
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
    private final int port;
    private ListenerDeployment deployment;
    private volatile EndpointAdmission admission = EndpointAdmission.ALWAYS;
    private volatile StreamTimeouts timeouts = StreamTimeouts.defaults();

    private final ProxyProtocolSettings proxyProtocol;
    private final ProxyProtocolSettings.Trust proxyTrust;

    public PublicHttpServer(Vertx vertx, EndpointRegistry registry, AgentLinks links, String bindAddress, int port) {
        this(vertx, registry, links, bindAddress, port, ProxyProtocolSettings.off());
    }

    /** With {@code proxyProtocol} on, the client address comes from each connection's PROXY header (trusted peers only). */
    public PublicHttpServer(Vertx vertx, EndpointRegistry registry, AgentLinks links, String bindAddress, int port,
                            ProxyProtocolSettings proxyProtocol) {
        this.vertx = vertx;
        this.registry = registry;
        this.links = links;
        this.port = port;
        this.proxyProtocol = proxyProtocol;
        this.proxyTrust = proxyProtocol.trust();
        this.options = new HttpServerOptions()
                .setHost(bindAddress)
                .setTcpNoDelay(true)
                .setHttp2ClearTextEnabled(true)
                .setHandle100ContinueAutomatically(true)
                .setUseProxyProtocol(proxyProtocol.enabled());
    }

    /** Per-endpoint request admission (tenant requests/s quotas); call before {@link #listen()}. */
    public PublicHttpServer admission(EndpointAdmission admission) {
        this.admission = admission;
        return this;
    }

    /** Response and pipe idle bounds; call before {@link #listen()}. */
    public PublicHttpServer timeouts(StreamTimeouts bounds) {
        this.timeouts = bounds;
        return this;
    }

    /** Starts listening, one instance per core; completes with the bound port. */
    public Future<Integer> listen() {
        return ListenerDeployment.deploy(vertx, ListenerDeployment.defaultInstances(vertx), port, instancePort -> {
                    // No connectionHandler: in Vert.x 5.0.7 one breaks WebSocket upgrades; the PROXY check runs per request.
                    HttpServer server = vertx.createHttpServer(new HttpServerOptions(options).setPort(instancePort));
                    return server.requestHandler(this::onRequest).listen().map(ListenerDeployment.Bound::of);
                })
                .onSuccess(d -> deployment = d)
                .map(ListenerDeployment::port);
    }

    /**
     * A PROXY header from a peer outside the trusted ranges could claim any client address: its connection is closed
     * before anything is relayed. Returns whether the request may go on.
     */
    private boolean trusted(HttpServerRequest request) {
        io.vertx.core.http.HttpConnection connection = request.connection();
        if (!proxyProtocol.enabled() || proxyTrust.trusts(connection.remoteAddress(true))) {
            return true;
        }
        LOG.warn("http: closing a connection from {}: it is not in --proxy-protocol-trusted {}, so its PROXY header "
                + "(claiming {}) is not believed", connection.remoteAddress(true), proxyProtocol.trusted(), connection.remoteAddress());
        connection.close();
        return false;
    }

    private void onRequest(HttpServerRequest request) {
        if (!trusted(request)) {
            return;
        }
        try {
            new HttpExchange(request, Vertx.currentContext(), registry, links, admission, timeouts).start();
        } catch (RuntimeException e) {
            LOG.error("http: internal error on {} {}", request.method(), request.uri(), e);
            if (!request.response().headWritten()) {
                request.response().setStatusCode(500).end();
            } else {
                request.connection().close();
            }
        }
    }

    /**
     * Stops accepting connections at once and lets the exchanges in progress finish within {@code grace} (a drain);
     * completes when every connection is closed.
     */
    public Future<Void> shutdown(java.time.Duration grace) {
        return deployment == null ? Future.succeededFuture() : deployment.shutdown(grace);
    }

    /** Stops listening and closes open connections. */
    public Future<Void> close() {
        return deployment == null ? Future.succeededFuture() : deployment.close();
    }
}
