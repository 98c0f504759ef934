package dev.burrow.edge.http;

import dev.burrow.edge.chain.Chains;
import dev.burrow.edge.chain.PublicConnection;
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
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.impl.Http1xServerConnection;
import io.netty.util.AttributeKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public HTTP listener (HTTP/1.1 with keep-alive, and HTTP/1.0): every request is routed by its Host to an
 * endpoint and relayed as an {@link HttpExchange}. {@code Expect: 100-continue} is answered here, not forwarded.
 * Each connection's request heads go through a {@link GuardedRequestDecoder} (validation, head deadline, keep-alive
 * idle timeout) and its socket gets {@link TcpKeepAlive}. Each connection passes the connection chain when accepted,
 * and each request the request and response chains ({@link Chains}). This class only wires.
 * <p>
 * An HTTP/2 connection gets {@link Http2Limits}, its floods are cut off by {@link Http2FloodGuard}, and it gets the
 * same head and idle timeouts as an HTTP/1.1 one ({@link Http2IdleTimeout}).
 * <p>
 * On the HTTPS listener ALPN offers HTTP/2 (each stream one exchange on the link; its head goes through
 * {@link Http2RequestCheck}) and HTTP/1.1. Vert.x's h2c is off on the plain listener: with it on, Vert.x builds the
 * HTTP/1 pipeline only after the first request head, too late to guard that head. A connection that opens with the
 * HTTP/2 preface (prior knowledge) is instead handed to an h2c-only server of this kind on a loopback port
 * ({@link #h2c}, {@link H2cHandOff}). An {@code Upgrade: h2c} offer is ignored ({@link HeaderRules#isUpgradeRequest})
 * and answered over HTTP/1.1.
 */
public final class PublicHttpServer {
    private static final Logger LOG = LoggerFactory.getLogger(PublicHttpServer.class);
    /** The name Vert.x gives its HTTP/1 request decoder in the channel pipeline. */
    private static final String DECODER = "httpDecoder";
    private static final AttributeKey<PublicConnection> PUBLIC_CONNECTION = AttributeKey.valueOf("burrow.publicConnection");

    private final Vertx vertx;
    private final EndpointRegistry registry;
    private final AgentLinks links;
    private final HttpServerOptions options;
    private final int port;
    private ListenerDeployment deployment;
    /** One of the instances sharing the port: their TLS context is one, rebuilt through any of them. */
    private volatile HttpServer anyInstance;
    private volatile Chains chains = Chains.empty();
    private volatile StreamTimeouts timeouts = StreamTimeouts.defaults();
    private volatile ListenerRules rules = ListenerRules.plain(() -> 443);
    private volatile ClientCertificateRecheck clientRecheck = ClientCertificateRecheck.NONE;
    private static final dev.burrow.policy.Verdict REFUSED_CLIENT = new dev.burrow.policy.Verdict.Close("mutual TLS",
            "the client certificate of the connection's TLS session fails its name's CAs or CRLs");
    private java.util.function.Predicate<HttpServerRequest> answeredFirst = request -> false;
    /** The h2c server that connections opening with the HTTP/2 preface are handed to; null: they get 505. */
    private PublicHttpServer h2cServer;
    private io.vertx.core.net.NetClient h2cHopClient;
    private volatile H2cHandOff h2cHandOff;
    /** This is an h2c server behind the plain listener: HTTP/1 is not served here (it never passed the guard). */
    private boolean http2Only;
    /** This server is reached only through a {@link LoopbackHop}. */
    private boolean behindHop;
    /** The domain socket this server listens on instead of its port; null: the port. */
    private io.vertx.core.net.SocketAddress domainSocket;
    private volatile int boundPort;

    private final ProxyProtocolSettings proxyProtocol;
    private final PublicHttpLimits limits;
    private final RequestHeadValidator validator;
    private final Http2RequestCheck http2Check;
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
        this.limits = limits;
        this.validator = new RequestHeadValidator(limits.maxHeaderFields());
        this.http2Check = new Http2RequestCheck(limits.maxHeaderFields());
        this.options = new HttpServerOptions()
                .setHost(bindAddress)
                .setTcpNoDelay(true)
                .setHttp2ClearTextEnabled(false)
                .setHandle100ContinueAutomatically(true)
                .setUseProxyProtocol(proxyProtocol.enabled());
    }

    /** The module chains every connection and exchange passes; call before {@link #listen()}. */
    public PublicHttpServer chains(Chains moduleChains) {
        this.chains = moduleChains;
        return this;
    }

    /**
     * Makes this the HTTPS listener: TLS 1.2 and 1.3 (OpenSSL when available, as on the agent link), the server
     * certificate chosen per SNI by {@code keyCertificates}; requests get the TLS listener's {@link ListenerRules}. Call
     * before {@link #listen()}.
     */
    public PublicHttpServer tls(io.vertx.core.net.KeyCertOptions keyCertificates) {
        Http2IdleTimeout.untilHandedOver(Http2Limits.apply(options), limits.headTimeout()).setSsl(true)
                .setUseAlpn(true)
                .setAlpnVersions(java.util.List.of(io.vertx.core.http.HttpVersion.HTTP_2, io.vertx.core.http.HttpVersion.HTTP_1_1))
                .setKeyCertOptions(keyCertificates)
                .setEnabledSecureTransportProtocols(java.util.Set.of("TLSv1.2", "TLSv1.3"))
                .setSslEngineOptions(io.vertx.core.net.OpenSSLEngineOptions.isAvailable()
                        ? new io.vertx.core.net.OpenSSLEngineOptions() : new io.vertx.core.net.JdkSSLEngineOptions());
        this.rules = ListenerRules.tls();
        return this;
    }

    /** After {@link #tls}: the TLS versions served, by their JSSE names (both 1.2 and 1.3 unless told). */
    public PublicHttpServer tlsVersions(java.util.Set<String> protocols) {
        options.setEnabledSecureTransportProtocols(protocols);
        return this;
    }

    /**
     * After {@link #tls}: every handshake asks for a client certificate ({@code REQUIRED}: fails without one;
     * {@code REQUEST}: passes without one), and one that is given must be accepted by {@code trustManager}; a connection
     * whose certificate {@code recheck} refuses (a resumed session's: its handshake checked none) is closed unserved.
     */
    public PublicHttpServer clientCertificates(io.vertx.core.http.ClientAuth asked, javax.net.ssl.TrustManager trustManager,
                                               ClientCertificateRecheck recheck) {
        options.setClientAuth(asked)
                .setTrustOptions(io.vertx.core.net.TrustOptions.wrap(trustManager));
        this.clientRecheck = recheck;
        return this;
    }

    /**
     * On the plain HTTP listener: connections that open with the HTTP/2 preface (h2c with prior knowledge) are carried to
     * {@code server} (made with {@link #clearTextHttp2Only}, on loopback, trusting PROXY lines from there), which this
     * listener starts and stops. Call before {@link #listen()}.
     */
    public PublicHttpServer h2c(PublicHttpServer server) {
        this.h2cServer = server;
        return this;
    }

    /**
     * Makes this the h2c server behind the plain listener: HTTP/2 with prior knowledge only, with the limits of
     * {@link Http2Limits}. An HTTP/1 request here did not come through the plain listener's guard and is not served.
     */
    public PublicHttpServer clearTextHttp2Only() {
        Http2IdleTimeout.untilHandedOver(Http2Limits.apply(options), limits.headTimeout()).setHttp2ClearTextEnabled(true);
        this.http2Only = true;
        return this;
    }

    /**
     * Makes this a server reached only through a {@link LoopbackHop}: it listens on {@code socket} (a domain socket;
     * null: its loopback port), reads the hop's PROXY line at once (on a domain socket without a deadline: only the
     * edge itself can connect there, and it writes the line first), leaves TCP keep-alive to the public socket, and
     * gives the modules the public port the PROXY line names. Call before {@link #listen()}.
     */
    public PublicHttpServer behindHop(io.vertx.core.net.SocketAddress socket) {
        this.behindHop = true;
        this.domainSocket = socket;
        if (socket != null) {
            options.setProxyProtocolTimeout(0);
        }
        return this;
    }

    /** Where a {@link LoopbackHop} reaches this server once it listens: its domain socket, or its loopback port. */
    public io.vertx.core.net.SocketAddress hopAddress() {
        return domainSocket != null ? domainSocket : io.vertx.core.net.SocketAddress.inetSocketAddress(boundPort, options.getHost());
    }

    /** Requests answered before any endpoint routing when the predicate says so (ACME HTTP-01 challenges). */
    public PublicHttpServer answersFirst(java.util.function.Predicate<HttpServerRequest> answered) {
        this.answeredFirst = answered;
        return this;
    }

    /** On the plain HTTP listener: the HTTPS port that redirects of https-only endpoints name. */
    public PublicHttpServer redirectsTo(java.util.function.IntSupplier httpsPort) {
        this.rules = ListenerRules.plain(httpsPort);
        return this;
    }

    /** Which TLS engine serves this listener ("OpenSSL" or "JDK"); null when it is plain HTTP. */
    public String tlsEngine() {
        return !options.isSsl() ? null : options.getSslEngineOptions() instanceof io.vertx.core.net.OpenSSLEngineOptions ? "OpenSSL" : "JDK";
    }

    /**
     * Rebuilds the TLS context of this HTTPS server from its key certificate options as they are now (new connections
     * get it, open ones keep theirs); completes when it is in place.
     */
    public Future<Void> rebuildTls() {
        HttpServer server = anyInstance;
        return server == null ? Future.succeededFuture() : server.updateSSLOptions(options.getSslOptions(), true).mapEmpty();
    }

    /** Response and pipe idle bounds; call before {@link #listen()}. */
    public PublicHttpServer timeouts(StreamTimeouts bounds) {
        this.timeouts = bounds;
        return this;
    }

    /** Starts listening (the h2c server first, if any), one instance per core; completes with the bound port. */
    public Future<Integer> listen() {
        if (h2cServer == null) {
            return listenHere();
        }
        return h2cServer.listen().compose(h2cPort -> {
            h2cHopClient = vertx.createNetClient(new io.vertx.core.net.NetClientOptions()
                    .setTcpNoDelay(true).setConnectTimeout(5_000));
            h2cHandOff = new H2cHandOff(new LoopbackHop(h2cHopClient, h2cServer.hopAddress()));
            return listenHere();
        });
    }

    private Future<Integer> listenHere() {
        return ListenerDeployment.deploy(vertx, ListenerDeployment.defaultInstances(vertx), port, instancePort -> {
                    HttpServerOptions instanceOptions = new HttpServerOptions(options).setPort(instancePort);
                    HttpServer server = vertx.createHttpServer(instanceOptions)
                            .connectionHandler(connection -> accept(connection, instanceOptions))
                            .invalidRequestHandler(this::onInvalidRequest);
                    anyInstance = server;
                    server.requestHandler(this::onRequest);
                    return (domainSocket == null ? server.listen() : server.listen(domainSocket)).map(ListenerDeployment.Bound::of);
                })
                .onSuccess(d -> {
                    deployment = d;
                    boundPort = d.port();
                })
                .map(ListenerDeployment::port);
    }

    /**
     * Runs when a connection is accepted (after its PROXY header, if any), before its first byte is decoded: the
     * guarded decoder takes the place of Vert.x's, a drain spares it until its first request ({@link FirstRequestGrace}),
     * and the socket gets TCP keep-alive.
     */
    private void accept(HttpConnection connection, HttpServerOptions instanceOptions) {
        if (http2Only && connection instanceof Http1xServerConnection) {
            connection.close();
        } else if (connection instanceof Http1xServerConnection http1) {
            io.netty.channel.ChannelPipeline pipeline = http1.channelHandlerContext().pipeline();
            Http2IdleTimeout.handedOver(pipeline);
            H2cHandOff handOff = h2cHandOff;
            pipeline.replace(DECODER, DECODER, new GuardedRequestDecoder(instanceOptions, validator, limits, refusalLog,
                    handOff == null ? null : firstBytes -> handOff.carry(http1, DECODER, firstBytes)));
            pipeline.addAfter(DECODER, "burrowFirstRequestGrace", new FirstRequestGrace());
            if (!behindHop) {
                TcpKeepAlive.enable(pipeline.channel(), limits.tcpKeepAlive());
            }
            pipeline.channel().attr(PUBLIC_CONNECTION).set(admit(connection));
        } else if (connection instanceof io.vertx.core.http.impl.Http2ServerConnection http2) {
            guardHttp2(http2.channelHandlerContext().pipeline(), http2.remoteAddress());
            // Once per connection, as for HTTP/1: per stream, the connection chain and the client certificate's
            // re-check (a full chain validation) would run for every request a client sends.
            http2.channelHandlerContext().channel().attr(PUBLIC_CONNECTION).set(admit(connection));
        }
    }

    /**
     * An HTTP/2 connection, handed over after the client's first SETTINGS frame (until then Vert.x's idle handler bounds
     * it): frame floods are cut off ({@link Http2FloodGuard}), the head timeout runs until its first stream and the idle
     * timeout whenever no stream is open ({@link Http2IdleTimeout}).
     */
    private void guardHttp2(io.netty.channel.ChannelPipeline pipeline, Object client) {
        io.netty.handler.codec.http2.Http2ConnectionHandler codec = pipeline.get(io.netty.handler.codec.http2.Http2ConnectionHandler.class);
        if (codec == null) {
            return;
        }
        Http2IdleTimeout.handedOver(pipeline);
        Http2FloodGuard.install(pipeline, codec, client, refusalLog);
        Http2IdleTimeout.start(pipeline.channel(), codec.connection(), limits.headTimeout(), limits.idleTimeout());
    }

    /** Runs the connection chain on a new connection; one it refuses is closed before its first request is read. */
    private PublicConnection admit(HttpConnection connection) {
        PublicConnection publicConnection = new PublicConnection(connection.remoteAddress(true), connection.remoteAddress(),
                serverPort(connection), proxyProtocol.enabled())
                .tls(TlsConnectionFacts.of(connection, options.getClientAuth() != io.vertx.core.http.ClientAuth.NONE));
        Future<dev.burrow.policy.Verdict> verdict = refusedClient(connection.sslSession()) ? Future.succeededFuture(REFUSED_CLIENT)
                : chains.onConnect(publicConnection, null);
        publicConnection.admit(verdict);
        verdict.onComplete(ar -> {
            if (ar.failed() || !Chains.proceeds(ar.result())) {
                connection.close();
            }
        });
        return publicConnection;
    }

    /** Whether the connection's client certificate fails its name's checks now ({@link ClientCertificateRecheck}). */
    private boolean refusedClient(javax.net.ssl.SSLSession session) {
        if (clientRecheck == ClientCertificateRecheck.NONE || session == null) {
            return false;
        }
        try {
            return clientRecheck.refuses(MisdirectedRequest.serverName(session), session.getPeerCertificates());
        } catch (javax.net.ssl.SSLPeerUnverifiedException none) {
            // A resumed session without a certificate on a server that requires one: nothing vouches for this client.
            return options.getClientAuth() == io.vertx.core.http.ClientAuth.REQUIRED;
        }
    }

    /** The port the client connected to: behind the hop, the public one its PROXY line names. */
    private int serverPort(HttpConnection connection) {
        io.vertx.core.net.SocketAddress local = behindHop ? connection.localAddress() : connection.localAddress(true);
        return local == null || local.port() <= 0 ? port : local.port();
    }

    /** The connection's state for the modules: set when it was accepted (an HTTP/1 connection), else made now. */
    private PublicConnection publicConnectionOf(HttpServerRequest request) {
        if (request.connection() instanceof io.vertx.core.net.impl.ConnectionBase accepted) {
            PublicConnection known = accepted.channelHandlerContext().channel().attr(PUBLIC_CONNECTION).get();
            if (known != null) {
                return known;
            }
        }
        return admit(request.connection());
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

    private void onRequest(HttpServerRequest request) {
        if (http2Only && request.version() != io.vertx.core.http.HttpVersion.HTTP_2) {
            request.connection().close();
            return;
        }
        if (answeredFirst.test(request)) {
            return;
        }
        PublicConnection connection = publicConnectionOf(request);
        Future<dev.burrow.policy.Verdict> admitted = connection.admitted();
        if (admitted.isComplete()) {
            if (admitted.succeeded() && Chains.proceeds(admitted.result())) {
                startExchange(request, connection);
            }
            return;
        }
        request.pause();
        io.vertx.core.Context context = Vertx.currentContext();
        admitted.onComplete(ar -> context.runOnContext(v -> {
            if (ar.succeeded() && Chains.proceeds(ar.result())) {
                startExchange(request, connection);
            }
        }));
    }

    private void startExchange(HttpServerRequest request, PublicConnection connection) {
        GuardedRequestDecoder guard = guardOf(request);
        if (guard == null && request.version() == io.vertx.core.http.HttpVersion.HTTP_2 && refusedHttp2(request)) {
            return;
        }
        try {
            HttpExchange exchange = new HttpExchange(request, Vertx.currentContext(), registry, links, chains, connection, timeouts, rules);
            if (guard != null) {
                java.util.function.Consumer<HeadRefusal> onBodyRefused = exchange::requestBodyRefused;
                request.response().endHandler(v -> guard.responseEnded(onBodyRefused));
                exchange.start();
                if (!request.response().ended()) {
                    guard.exchangeStarted(onBodyRefused);
                }
            } else {
                exchange.start();
            }
        } catch (RuntimeException e) {
            LOG.error("http: internal error on {} {}", request.method(), request.uri(), e);
            if (!request.response().headWritten()) {
                request.response().setStatusCode(500).end();
            } else {
                request.connection().close();
            }
        }
    }

    /** An HTTP/2 request that fails {@link Http2RequestCheck}: its stream is answered with the refusal; true then. */
    private boolean refusedHttp2(HttpServerRequest request) {
        HeadRefusal refusal = http2Check.check(request);
        if (refusal == null) {
            return false;
        }
        refusalLog.refused(request.connection().remoteAddress(), refusal.status(), refusal.reason());
        ErrorPages.send(request.response(), refusal.status(), refusal.phrase(), refusal.sentence(), false);
        return true;
    }

    /**
     * Stops accepting connections at once and lets the exchanges in progress finish within {@code grace} (a drain);
     * completes when every connection is closed.
     */
    public Future<Void> shutdown(java.time.Duration grace) {
        Future<Void> here = deployment == null ? Future.succeededFuture() : deployment.shutdown(grace);
        return h2cServer == null ? here : Future.join(here, h2cServer.shutdown(grace)).mapEmpty();
    }

    /** Stops listening and closes open connections. */
    public Future<Void> close() {
        Future<Void> here = deployment == null ? Future.succeededFuture() : deployment.close();
        if (h2cServer == null) {
            return here;
        }
        Future<Void> both = Future.join(here, h2cServer.close()).mapEmpty();
        return h2cHopClient == null ? both : both.eventually(() -> h2cHopClient.close());
    }
}
