package dev.burrow.edge.tls;

import dev.burrow.edge.chain.EndpointTls;
import dev.burrow.edge.config.ProxyProtocolSettings;
import dev.burrow.edge.deploy.ListenerDeployment;
import dev.burrow.edge.registry.Endpoint;
import dev.burrow.edge.registry.EndpointProtocol;
import dev.burrow.edge.registry.EndpointRegistry;
import dev.burrow.edge.registry.Hostnames;
import dev.burrow.edge.tcp.TcpEndpoints;
import dev.burrow.net.TcpKeepAlive;
import dev.burrow.policy.TlsTermination;
import dev.burrow.protocol.ClientCertificates;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * The public HTTPS port. It reads the SNI of each connection's ClientHello ({@link ClientHelloPeek}) without
 * terminating TLS: a name bound by a TLS endpoint is passed through, raw, to that endpoint's agent (as a TCP
 * endpoint's connection is); every other connection (HTTPS endpoints, unknown names, no SNI) is carried to the
 * HTTPS server behind the hop ({@link LoopbackHop}) that terminates it as the endpoint asks ({@link TerminatingServers}),
 * with the certificate for the SNI.
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
    private final TerminatingServers servers;
    private final MutualTlsAuthorities mutualTls;
    private final EndpointCertificates endpointCertificates;
    private final EndpointTls endpointTls;
    private ListenerDeployment deployment;
    private volatile java.util.function.Supplier<io.netty.channel.ChannelHandler> answersFirst = () -> null;

    /**
     * A name not served by plain termination: a TLS endpoint's (passed through, {@code variant} null), or one whose
     * handshake asks for client certificates, other TLS versions or presents its policy's certificate.
     */
    private record Special(Endpoint endpoint, TerminatingServers.Variant variant, ClientCertificates clients,
                           TlsTermination.ServerCertificate certificate, boolean clientsUnusable) {
        Special(Endpoint endpoint, TerminatingServers.Variant variant, ClientCertificates clients,
                TlsTermination.ServerCertificate certificate) {
            this(endpoint, variant, clients, certificate, false);
        }

        Special withUnusableClients() {
            return new Special(endpoint, variant, clients, certificate, true);
        }
    }

    /**
     * @param pipes        relays a TLS endpoint's connection to its agent
     * @param helloTimeout how long a connection may take to send its whole ClientHello
     * @param servers      the HTTPS servers on loopback that terminate, one per {@link TerminatingServers.Variant}
     * @param endpointTls  how each endpoint's TLS is terminated (its bind or its policy)
     */
    HttpsFrontDoor(Vertx vertx, EndpointRegistry registry, TcpEndpoints pipes, String bindAddress, int port,
                   ProxyProtocolSettings proxyProtocol, Duration helloTimeout, TerminatingServers servers,
                   MutualTlsAuthorities mutualTls, EndpointCertificates endpointCertificates, EndpointTls endpointTls) {
        this.servers = servers;
        this.mutualTls = mutualTls;
        this.endpointCertificates = endpointCertificates;
        this.endpointTls = endpointTls;
        this.vertx = vertx;
        this.registry = registry;
        this.pipes = pipes;
        this.bindAddress = bindAddress;
        this.port = port;
        this.proxyProtocol = proxyProtocol;
        this.proxyTrust = proxyProtocol.trust();
        this.helloTimeout = helloTimeout;
    }

    /** Listens; completes with the bound port. */
    public Future<Integer> listen() {
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
     * through) or one whose terminate-tls or mutual TLS asks for something of the handshake; null otherwise. What a
     * name no longer asks for is forgotten here.
     */
    private Future<Special> special(String serverName) {
        String host = serverName == null ? null : Hostnames.normalize(serverName);
        if (host == null) {
            return Future.succeededFuture();
        }
        return registry.lookupHostname(host).compose(endpoint -> {
            if (endpoint != null && endpoint.protocol() == EndpointProtocol.TLS) {
                return Future.succeededFuture(new Special(endpoint, null, null, null));
            }
            ClientCertificates clients = endpoint == null ? null : endpointTls.clientCertificates(endpoint);
            TlsTermination termination = endpoint == null ? null : endpointTls.termination(endpoint);
            TlsTermination.TlsVersions versions = termination == null ? TlsTermination.TlsVersions.TLS_1_2_AND_1_3 : termination.versions();
            TlsTermination.ServerCertificate certificate = termination == null ? null : termination.serverCertificate();
            if (clients == null) {
                mutualTls.forget(host);
            }
            if (certificate == null) {
                endpointCertificates.forget(host, endpoint);
            }
            if (clients == null && certificate == null && versions == TerminatingServers.Variant.PLAIN.versions()) {
                return Future.succeededFuture();
            }
            return withClientsHeld(host, new Special(endpoint, new TerminatingServers.Variant(clientAuth(clients), versions),
                    clients, certificate));
        });
    }

    /**
     * {@code special} once its client CAs and CRLs are held: parsing them (up to a MiB of PEM, and the CRLs' signatures
     * checked) is done off the event loop, once per text; a text that cannot be used is marked so, not parsed again by
     * the route.
     */
    private Future<Special> withClientsHeld(String host, Special special) {
        if (special.clients() == null || mutualTls.holds(host, special.clients())) {
            return Future.succeededFuture(special);
        }
        return vertx.executeBlocking(() -> mutualTls.remember(host, special.clients()), false)
                .map(held -> held ? special : special.withUnusableClients());
    }

    private static io.vertx.core.http.ClientAuth clientAuth(ClientCertificates clients) {
        return clients == null ? io.vertx.core.http.ClientAuth.NONE
                : clients.required() ? io.vertx.core.http.ClientAuth.REQUIRED : io.vertx.core.http.ClientAuth.REQUEST;
    }

    private void route(NetSocket socket, Context context, String serverName, Special special) {
        if (special == null) {
            carry(TerminatingServers.Variant.PLAIN, socket);
        } else if (special.variant() == null) {
            pipes.relay(socket, context, Future.succeededFuture(special.endpoint()), "TLS endpoint " + serverName);
        } else if (special.clientsUnusable() || special.clients() != null && !mutualTls.remember(serverName, special.clients())) {
            LOG.warn("https: closing a connection for {}: its mutual TLS certificate authorities or CRLs cannot be used", serverName);
            socket.close();
        } else if (special.certificate() != null
                && !endpointCertificates.remember(serverName, special.certificate(), special.endpoint())) {
            LOG.debug("https: closing a connection for {}: its terminate-tls server certificate cannot serve it", serverName);
            socket.close();
        } else {
            carry(special.variant(), socket);
        }
    }

    private void carry(TerminatingServers.Variant variant, NetSocket socket) {
        servers.hop(variant).compose(hop -> hop.carry(socket)).onFailure(error -> {
            LOG.warn("https: cannot reach the HTTPS server behind the hop: {}", error.getMessage());
            socket.close();
        });
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
        return deployment == null ? Future.succeededFuture() : deployment.close();
    }
}
