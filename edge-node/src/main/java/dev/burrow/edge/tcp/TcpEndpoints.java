package dev.burrow.edge.tcp;

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
 * over a new stream of the endpoint's agent link ({@link TcpConnection}); without a live link it is closed.
 * Owns the servers: {@link #close(String)} and {@link #closeAll()} close them.
 */
public final class TcpEndpoints implements PortListeners {
    private static final Logger LOG = LoggerFactory.getLogger(TcpEndpoints.class);

    private final Vertx vertx;
    private final String bindAddress;
    private final EndpointRegistry registry;
    private final AgentLinks links;
    private final Map<String, Future<NetServer>> servers = new ConcurrentHashMap<>();

    private final dev.burrow.edge.config.ProxyProtocolSettings proxyProtocol;
    private volatile java.time.Duration pipeIdleTimeout = dev.burrow.edge.config.StreamTimeouts.DEFAULT_PIPE_IDLE;
    private volatile java.time.Duration tcpKeepAlive = TcpKeepAlive.DEFAULT_IDLE;
    private final dev.burrow.edge.config.ProxyProtocolSettings.Trust proxyTrust;

    public TcpEndpoints(Vertx vertx, String bindAddress, EndpointRegistry registry, AgentLinks links) {
        this(vertx, bindAddress, registry, links, dev.burrow.edge.config.ProxyProtocolSettings.off());
    }

    /** With {@code proxyProtocol} on, each connection's client address comes from its PROXY header (trusted peers only). */
    public TcpEndpoints(Vertx vertx, String bindAddress, EndpointRegistry registry, AgentLinks links,
                        dev.burrow.edge.config.ProxyProtocolSettings proxyProtocol) {
        this.proxyProtocol = proxyProtocol;
        this.proxyTrust = proxyProtocol.trust();
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
                        .setUseProxyProtocol(proxyProtocol.enabled()))
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
        if (proxyProtocol.enabled() && !proxyTrust.trusts(socket.remoteAddress(true))) {
            LOG.warn("tcp {}: closing a connection from {}: it is not in --proxy-protocol-trusted {}, so its PROXY header "
                    + "is not believed", port, socket.remoteAddress(true), proxyProtocol.trusted());
            socket.close();
            return;
        }
        Context context = Vertx.currentContext();
        TcpKeepAlive.enable(socket, tcpKeepAlive);
        PipeIdleTimeout.install(socket, pipeIdleTimeout);
        TcpConnection connection = new TcpConnection(socket, context);
        registry.lookupPort(port).onComplete(ar -> Contexts.run(context, () -> {
            Endpoint endpoint = ar.succeeded() ? ar.result() : null;
            if (endpoint == null) {
                connection.reject("no endpoint on port " + port + " any more; closing the connection");
                return;
            }
            AgentLink link = endpoint.state() == EndpointState.ONLINE ? links.find(endpoint) : null;
            if (link == null) {
                connection.reject("the agent for TCP port " + port + " is offline; closing the connection");
                return;
            }
            link.openStream(StreamOpen.tcp(endpoint.id(), connection.clientAddress()))
                    .onComplete(opened -> Contexts.run(context, () -> {
                        if (opened.succeeded()) {
                            connection.attach(opened.result(), link.context());
                        } else {
                            connection.reject("could not open a stream to the agent for TCP port " + port + ": "
                                    + opened.cause().getMessage() + "; closing the connection");
                        }
                    }));
        }));
    }
}
