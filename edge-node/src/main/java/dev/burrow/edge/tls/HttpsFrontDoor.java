package dev.burrow.edge.tls;

import dev.burrow.edge.config.ProxyProtocolSettings;
import dev.burrow.edge.deploy.ListenerDeployment;
import dev.burrow.edge.http.LoopbackHop;
import dev.burrow.edge.registry.Endpoint;
import dev.burrow.edge.registry.EndpointProtocol;
import dev.burrow.edge.registry.EndpointRegistry;
import dev.burrow.edge.registry.Hostnames;
import dev.burrow.edge.tcp.TcpEndpoints;
import dev.burrow.net.TcpKeepAlive;
import dev.burrow.protocol.ClientCertificates;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.Function;

/**
 * The public HTTPS port. It reads the SNI of each connection's ClientHello ({@link ClientHelloPeek}) without
 * terminating TLS: a name bound by a TLS endpoint is passed through, raw, to that endpoint's agent (as a TCP
 * endpoint's connection is); every other connection (HTTPS endpoints, unknown names, no SNI) is carried to the
 * HTTPS server behind the hop ({@link LoopbackHop}), which terminates TLS with the certificate for the SNI.
 * A ClientHello over {@link #MAX_CLIENT_HELLO_BYTES}, or not complete within the head timeout, closes the connection.
 */
public final class HttpsFrontDoor {
    private static final Logger LOG = LoggerFactory.getLogger(HttpsFrontDoor.class);
    /** The largest ClientHello read (real ones are 0.5-2 KiB, with post-quantum key shares under 3 KiB). */
    public static final int MAX_CLIENT_HELLO_BYTES = 16 * 1024;
    /** The pipeline handler that reads the SNI and routes the connection. */
    public static final String ROUTING_HANDLER = ClientHelloPeek.NAME;

    private final Vertx vertx;
    private final EndpointRegistry registry;
    private final TcpEndpoints pipes;
    private final String bindAddress;
    private final int port;
    private final ProxyProtocolSettings proxyProtocol;
    private final ProxyProtocolSettings.Trust proxyTrust;
    private final Duration helloTimeout;
    private NetClient hopClient;
    private volatile LoopbackHop hop;
    private volatile LoopbackHop mutualHop;
    private volatile LoopbackHop requestingHop;
    private final MutualTlsAuthorities mutualTls;
    private final Function<Endpoint, ClientCertificates> clientCertificates;
    private ListenerDeployment deployment;
    private volatile java.util.function.Supplier<io.netty.channel.ChannelHandler> answersFirst = () -> null;

    /** A name not served by plain termination: a TLS endpoint's (passed through), or one that asks for client certificates. */
    private record Special(Endpoint endpoint, ClientCertificates clients) {
    }

    /**
     * @param pipes              relays a TLS endpoint's connection to its agent
     * @param helloTimeout       how long a connection may take to send its whole ClientHello
     * @param clientCertificates what an endpoint's handshake asks of its visitors (its bind or its policy), null: nothing
     */
    public HttpsFrontDoor(Vertx vertx, EndpointRegistry registry, TcpEndpoints pipes, String bindAddress, int port,
                          ProxyProtocolSettings proxyProtocol, Duration helloTimeout, MutualTlsAuthorities mutualTls,
                          Function<Endpoint, ClientCertificates> clientCertificates) {
        this.mutualTls = mutualTls;
        this.clientCertificates = clientCertificates;
        this.vertx = vertx;
        this.registry = registry;
        this.pipes = pipes;
        this.bindAddress = bindAddress;
        this.port = port;
        this.proxyProtocol = proxyProtocol;
        this.proxyTrust = proxyProtocol.trust();
        this.helloTimeout = helloTimeout;
    }

    /**
     * Listens, carrying terminated traffic to the HTTPS server at {@code httpsServer} (a domain socket or a loopback
     * address), that of endpoints that require client certificates to the one at {@code mutualTlsServer}, and that of
     * endpoints that only request one to {@code requestingServer}; completes with the bound port.
     */
    public Future<Integer> listen(SocketAddress httpsServer, SocketAddress mutualTlsServer, SocketAddress requestingServer) {
        hopClient = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true).setConnectTimeout(5_000));
        hop = new LoopbackHop(hopClient, httpsServer);
        mutualHop = new LoopbackHop(hopClient, mutualTlsServer);
        requestingHop = new LoopbackHop(hopClient, requestingServer);
        NetServerOptions options = new NetServerOptions().setHost(bindAddress).setTcpNoDelay(true)
                .setUseProxyProtocol(proxyProtocol.enabled());
        return ListenerDeployment.deploy(vertx, ListenerDeployment.defaultInstances(vertx), port, instancePort ->
                        vertx.createNetServer(new NetServerOptions(options).setPort(instancePort))
                                .connectHandler(this::onConnect).listen().map(ListenerDeployment.Bound::of))
                .onSuccess(d -> deployment = d)
                .map(ListenerDeployment::port);
    }

    private void onConnect(NetSocket socket) {
        if (proxyProtocol.enabled() && !proxyTrust.trusts(socket.remoteAddress(true))) {
            LOG.warn("https: closing a connection from {}: it is not in --proxy-protocol-trusted {}, so its PROXY header "
                    + "is not believed", socket.remoteAddress(true), proxyProtocol.trusted());
            socket.close();
            return;
        }
        Context context = Vertx.currentContext();
        socket.pause();
        TcpKeepAlive.enable(socket);
        socket.exceptionHandler(error -> LOG.debug("https {}: {}", socket.remoteAddress(), error.toString()));
        ((NetSocketInternal) socket).channelHandlerContext().pipeline().addFirst(QuickAckWhileHandshaking.NAME,
                new QuickAckWhileHandshaking());
        ((NetSocketInternal) socket).channelHandlerContext().pipeline().addFirst(ClientHelloPeek.NAME,
                new ClientHelloPeek<Special>(MAX_CLIENT_HELLO_BYTES, helloTimeout.toMillis(), this::special,
                        (serverName, endpoint) -> route(socket, context, serverName, endpoint)));
        io.netty.channel.ChannelHandler first = answersFirst.get();
        if (first != null) {
            ((NetSocketInternal) socket).channelHandlerContext().pipeline().addFirst(first);
        }
    }

    /**
     * The endpoint bound for {@code serverName} when it is not served by plain termination: a TLS endpoint (passed
     * through) or one that asks for client certificates; null otherwise.
     */
    private Future<Special> special(String serverName) {
        String host = serverName == null ? null : Hostnames.normalize(serverName);
        if (host == null) {
            return Future.succeededFuture();
        }
        return registry.lookupHostname(host).map(endpoint -> {
            if (endpoint != null && endpoint.protocol() == EndpointProtocol.TLS) {
                return new Special(endpoint, null);
            }
            ClientCertificates clients = endpoint == null ? null : clientCertificates.apply(endpoint);
            if (clients == null) {
                mutualTls.forget(host);
                return null;
            }
            return new Special(endpoint, clients);
        });
    }

    private void route(NetSocket socket, Context context, String serverName, Special special) {
        if (special == null) {
            carry(hop, socket);
        } else if (special.clients() == null) {
            pipes.relay(socket, context, Future.succeededFuture(special.endpoint()), "TLS endpoint " + serverName);
        } else if (!mutualTls.remember(serverName, special.clients())) {
            LOG.warn("https: closing a connection for {}: its mutual TLS certificate authorities cannot be used", serverName);
            socket.close();
        } else {
            carry(special.clients().required() ? mutualHop : requestingHop, socket);
        }
    }

    private static void carry(LoopbackHop through, NetSocket socket) {
        through.carry(socket).onFailure(error -> LOG.warn("https: cannot reach the HTTPS server behind the hop: {}", error.getMessage()));
    }

    /**
     * A handler put before the routing of every connection (ACME TLS-ALPN-01 answers), made per connection; null from
     * the supplier: none.
     */
    public void answersFirst(java.util.function.Supplier<io.netty.channel.ChannelHandler> handlers) {
        this.answersFirst = handlers;
    }

    /** Stops accepting at once; open connections may finish within {@code grace}. */
    public Future<Void> shutdown(Duration grace) {
        return deployment == null ? Future.succeededFuture() : deployment.shutdown(grace);
    }

    public Future<Void> close() {
        Future<Void> closed = deployment == null ? Future.succeededFuture() : deployment.close();
        return hopClient == null ? closed : closed.eventually(() -> hopClient.close());
    }
}
