package dev.burrow.edge.http;

import dev.burrow.edge.config.ProxyProtocolSettings;
import dev.burrow.edge.config.PublicHttpLimits;
import dev.burrow.edge.config.StreamTimeouts;
import dev.burrow.edge.deploy.ListenerDeployment;
import dev.burrow.net.TcpKeepAlive;
import dev.burrow.edge.link.AgentLinks;
import dev.burrow.edge.registry.EndpointRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.impl.Http1xServerConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public HTTP listener (HTTP/1.1 with keep-alive, and HTTP/1.0): every request is routed by its Host to an
 * endpoint and relayed as an {@link HttpExchange}. {@code Expect: 100-continue} is answered here, not forwarded.
 * Each connection's request heads go through a {@link GuardedRequestDecoder} (validation, head deadline, keep-alive
 * idle timeout) and its socket gets {@link TcpKeepAlive}. This class only wires.
 * <p>
 * Vert.x's h2c (prior knowledge and {@code Upgrade: h2c}) is off: with it on, Vert.x builds the HTTP/1 pipeline only
 * after the first request head, too late to guard that head. An {@code Upgrade: h2c} offer is ignored
 * ({@link HeaderRules#isUpgradeRequest}) and answered over HTTP/1.1.
 */
public final class PublicHttpServer {
    private static final Logger LOG = LoggerFactory.getLogger(PublicHttpServer.class);
    /** The name Vert.x gives its HTTP/1 request decoder in the channel pipeline. */
    private static final String DECODER = "httpDecoder";

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
    private final PublicHttpLimits limits;
    private final RequestHeadValidator validator;
    private final RefusalLog refusalLog = new RefusalLog();

    public PublicHttpServer(Vertx vertx, EndpointRegistry registry, AgentLinks links, String bindAddress, int port) {
        this(vertx, registry, links, bindAddress, port, ProxyProtocolSettings.off(), PublicHttpLimits.defaults());
    }

    /** With {@code proxyProtocol} on, the client address comes from each connection's PROXY header (trusted peers only). */
    public PublicHttpServer(Vertx vertx, EndpointRegistry registry, AgentLinks links, String bindAddress, int port,
                            ProxyProtocolSettings proxyProtocol, PublicHttpLimits limits) {
        this.vertx = vertx;
        this.registry = registry;
        this.links = links;
        this.port = port;
        this.proxyProtocol = proxyProtocol;
        this.proxyTrust = proxyProtocol.trust();
        this.limits = limits;
        this.validator = new RequestHeadValidator(limits.maxHeaderFields());
        this.options = new HttpServerOptions()
                .setHost(bindAddress)
                .setTcpNoDelay(true)
                .setHttp2ClearTextEnabled(false)
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
                    HttpServerOptions instanceOptions = new HttpServerOptions(options).setPort(instancePort);
                    HttpServer server = vertx.createHttpServer(instanceOptions)
                            .connectionHandler(connection -> guard(connection, instanceOptions))
                            .invalidRequestHandler(this::onInvalidRequest);
                    return server.requestHandler(this::onRequest).listen().map(ListenerDeployment.Bound::of);
                })
                .onSuccess(d -> deployment = d)
                .map(ListenerDeployment::port);
    }

    /**
     * Runs when a connection is accepted (after its PROXY header, if any), before its first byte is decoded: the
     * guarded decoder takes the place of Vert.x's, a drain spares it until its first request ({@link FirstRequestGrace}),
     * and the socket gets TCP keep-alive.
     */
    private void guard(io.vertx.core.http.HttpConnection connection, HttpServerOptions instanceOptions) {
        if (connection instanceof Http1xServerConnection http1) {
            io.netty.channel.ChannelPipeline pipeline = http1.channelHandlerContext().pipeline();
            pipeline.replace(DECODER, DECODER, new GuardedRequestDecoder(instanceOptions, validator, limits, refusalLog));
            pipeline.addAfter(DECODER, "burrowFirstRequestGrace", new FirstRequestGrace());
            TcpKeepAlive.enable(pipeline.channel(), limits.tcpKeepAlive());
        }
    }

    /** A head that passed the validator but that Netty could still not decode (a header over Netty's size limit). */
    private void onInvalidRequest(HttpServerRequest request) {
        Throwable cause = request.decoderResult().cause();
        int status = cause instanceof io.netty.handler.codec.http.TooLongHttpLineException ? 414
                : cause instanceof io.netty.handler.codec.http.TooLongHttpHeaderException ? 431 : 400;
        refusalLog.refused(request.connection().remoteAddress(), status, "undecodable request: " + (cause == null ? "?" : cause.getMessage()));
        // Answers that same status with a close.
        HttpServerRequest.DEFAULT_INVALID_REQUEST_HANDLER.handle(request);
    }

    /** The connection's guard, told when each response ends (so that the idle timeout can start). */
    private static GuardedRequestDecoder guardOf(HttpServerRequest request) {
        return request.connection() instanceof Http1xServerConnection http1
                && http1.channelHandlerContext().pipeline().get(DECODER) instanceof GuardedRequestDecoder guard ? guard : null;
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
        GuardedRequestDecoder guard = guardOf(request);
        if (guard != null) {
            request.response().endHandler(v -> guard.responseEnded());
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
