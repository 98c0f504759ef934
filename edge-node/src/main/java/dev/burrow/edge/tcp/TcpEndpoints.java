package dev.burrow.edge.tcp;

import dev.burrow.edge.chain.Chains;
import dev.burrow.edge.chain.PublicConnection;
import dev.burrow.edge.link.AgentLink;
import dev.burrow.edge.relay.Contexts;
import dev.burrow.edge.link.AgentLinks;
import dev.burrow.edge.link.PortListeners;
import dev.burrow.edge.registry.Endpoint;
import dev.burrow.edge.registry.EndpointException;
import dev.burrow.edge.registry.EndpointRegistry;
import dev.burrow.edge.registry.EndpointState;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.protocol.StreamOpen;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import dev.burrow.net.PipeIdleTimeout;
import dev.burrow.net.TcpKeepAlive;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The public listeners of TCP endpoints, one {@link NetServer} per endpoint. Each accepted connection is relayed
 * over a new stream of the endpoint's agent link ({@link TcpConnection}) once it passed the connection chain
 * ({@link Chains}); without a live link, or refused by a module, it is closed before any stream is opened.
 * Owns the servers: {@link #close(String)} and {@link #closeAll()} close them.
 */
public final class TcpEndpoints implements PortListeners {
    private static final Logger LOG = LoggerFactory.getLogger(TcpEndpoints.class);

    private final Vertx vertx;
    private final String bindAddress;
    private final EndpointRegistry registry;
    private final AgentLinks links;
    private final Map<String, Future<NetServer>> servers = new ConcurrentHashMap<>();

    private final boolean proxyProtocol;
    private final Chains chains;
    private volatile java.time.Duration pipeIdleTimeout = dev.burrow.edge.config.StreamTimeouts.DEFAULT_PIPE_IDLE;
    private volatile java.time.Duration tcpKeepAlive = TcpKeepAlive.DEFAULT_IDLE;

    public TcpEndpoints(Vertx vertx, String bindAddress, EndpointRegistry registry, AgentLinks links) {
        this(vertx, bindAddress, registry, links, false, Chains.empty());
    }

    /**
     * With {@code proxyProtocol} on, each connection's client address comes from its PROXY header (which the
     * connection chain's trust check vets).
     */
    public TcpEndpoints(Vertx vertx, String bindAddress, EndpointRegistry registry, AgentLinks links,
                        boolean proxyProtocol, Chains chains) {
        this.proxyProtocol = proxyProtocol;
        this.chains = chains;
        this.vertx = vertx;
        this.bindAddress = bindAddress;
        this.registry = registry;
        this.links = links;
    }

    /** Connections idle both ways this long are closed (and their streams reset); zero: never. Before any open. */
    public TcpEndpoints pipeIdleTimeout(java.time.Duration idle) {
        this.pipeIdleTimeout = idle;
        return this;
    }

    /** Idle time before TCP keep-alive probes on public connections ({@code --tcp-keepalive}); zero: off. Before any open. */
    public TcpEndpoints tcpKeepAlive(java.time.Duration idle) {
        this.tcpKeepAlive = idle;
        return this;
    }

    @Override
    public Future<Void> open(Endpoint endpoint) {
        Future<NetServer> listening = servers.computeIfAbsent(endpoint.id(), id -> listen(endpoint));
        return listening.<Void>mapEmpty().recover(error -> {
            servers.remove(endpoint.id(), listening);
            return Future.failedFuture(new EndpointException(ErrorCode.PORT_UNAVAILABLE, "TCP port " + endpoint.port()
                    + " could not be opened on " + bindAddress + ": " + error.getMessage()));
        });
    }

    private Future<NetServer> listen(Endpoint endpoint) {
        int port = endpoint.port();
        NetServer server = vertx.createNetServer(new NetServerOptions().setHost(bindAddress).setPort(port).setTcpNoDelay(true)
                        .setUseProxyProtocol(proxyProtocol))
                .connectHandler(socket -> onConnect(port, socket));
        return server.listen().onSuccess(s -> LOG.info("TCP endpoint listening on {}:{}", bindAddress, port));
    }

    @Override
    public Future<Void> close(String endpointId) {
        Future<NetServer> listening = servers.remove(endpointId);
        if (listening == null) {
            return Future.succeededFuture();
        }
        return listening.compose(NetServer::close, error -> Future.succeededFuture());
    }

    /** Ports currently listening, for diagnostics and tests. */
    public int listenerCount() {
        return servers.size();
    }

    /** Closes every TCP endpoint listener. */
    public Future<Void> closeAll() {
        List<Future<Void>> closing = new ArrayList<>();
        for (String id : List.copyOf(servers.keySet())) {
            closing.add(close(id));
        }
        return Future.join(closing).mapEmpty();
    }

    /**
     * Stops accepting on every TCP endpoint port at once; open connections keep flowing until they end or
     * {@code grace} has passed (a drain). Completes when every connection is closed.
     */
    public Future<Void> shutdownAll(java.time.Duration grace) {
        List<Future<Void>> closing = new ArrayList<>();
        for (String id : List.copyOf(servers.keySet())) {
            Future<NetServer> listening = servers.remove(id);
            if (listening != null) {
                closing.add(listening.compose(server -> server.shutdown(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS),
                        error -> Future.succeededFuture()));
            }
        }
        return Future.join(closing).<Void>mapEmpty().otherwiseEmpty();
    }

    private void onConnect(int port, NetSocket socket) {
        relay(socket, Vertx.currentContext(), registry.lookupPort(port), "TCP port " + port);
    }

    /**
     * Relays a public connection over a new stream of {@code endpoint}'s agent link, bytes both ways with backpressure
     * and half-close ({@link TcpConnection}), once it passed the connection chain; closes it when the endpoint is gone
     * or offline, or a module refused it. {@code what} names the endpoint in logs. Call on the socket's event loop
     * before any of its bytes reached Vert.x (in the connect handler, or while an earlier handler still holds them);
     * {@code context} is the socket's. The socket is paused until the stream is open.
     */
    public void relay(NetSocket socket, Context context, Future<Endpoint> endpointLookup, String what) {
        int serverPort = socket.localAddress() == null ? 0 : socket.localAddress().port();
        PublicConnection publicConnection = new PublicConnection(socket.remoteAddress(true), socket.remoteAddress(), serverPort, proxyProtocol);
        TcpKeepAlive.enable(socket, tcpKeepAlive);
        PipeIdleTimeout.install(socket, pipeIdleTimeout);
        TcpConnection connection = new TcpConnection(socket, context);
        endpointLookup.onComplete(ar -> Contexts.run(context, () -> {
            Endpoint endpoint = ar.succeeded() ? ar.result() : null;
            if (endpoint == null) {
                connection.reject("no endpoint for " + what + " any more; closing the connection");
                return;
            }
            chains.onConnect(publicConnection, endpoint).onComplete(verdict -> Contexts.run(context, () -> {
                if (verdict.succeeded() && Chains.proceeds(verdict.result())) {
                    openStream(endpoint, connection, context, what);
                } else {
                    connection.reject(verdict.failed() ? "a module failed: " + verdict.cause() + "; closing the connection"
                            : "closed by the connection chain (" + verdict.result() + ")");
                }
            }));
        }));
    }

    /**
     * Opens the stream to the agent and relays; on the socket's event loop ({@code context} is the socket's: a TLS
     * endpoint's connection gets here from a Netty handler, where no Vert.x context is current).
     */
    private void openStream(Endpoint endpoint, TcpConnection connection, Context context, String what) {
        AgentLink link = endpoint.state() == EndpointState.ONLINE ? links.find(endpoint) : null;
        if (link == null) {
            connection.reject("the agent for " + what + " is offline; closing the connection");
            return;
        }
        link.openStream(StreamOpen.tcp(endpoint.id(), connection.clientAddress()))
                .onComplete(opened -> Contexts.run(context, () -> {
                    if (opened.succeeded()) {
                        connection.attach(opened.result(), link.context());
                    } else {
                        connection.reject("could not open a stream to the agent for " + what + ": "
                                + opened.cause().getMessage() + "; closing the connection");
                    }
                }));
    }
}
