package dev.burrow.edge;

import dev.burrow.edge.config.EdgeConfig;
import dev.burrow.edge.http.PublicHttpServer;
import dev.burrow.edge.link.AgentLinkServer;
import dev.burrow.edge.link.EndpointBinder;
import dev.burrow.edge.link.SessionServices;
import dev.burrow.edge.link.SessionTable;
import dev.burrow.edge.pki.TokenVerifier;
import dev.burrow.edge.registry.Endpoint;
import dev.burrow.edge.registry.EndpointProtocol;
import dev.burrow.edge.registry.EndpointRegistry;
import dev.burrow.edge.registry.LocalEndpointRegistry;
import dev.burrow.edge.tcp.TcpEndpoints;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A running edge node: public HTTP listener, agent link listener, TCP endpoint listeners, registry and sessions.
 * {@link #start(EdgeConfig)} brings one up (creating the data directory on first start); {@link #close()} takes it
 * down, telling agents it is going away. Tests use the port accessors, since port 0 picks free ports.
 */
public final class EdgeNode {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeNode.class);

    private final Vertx vertx;
    private final boolean ownsVertx;
    private final EdgeConfig config;
    private final DataDirectory dataDirectory;
    private final EndpointRegistry registry = new LocalEndpointRegistry();
    private final SessionTable sessions;
    private final TcpEndpoints tcpEndpoints;
    private final PublicHttpServer httpServer;
    private final AgentLinkServer linkServer;
    private volatile int httpPort;
    private volatile int tunnelPort;

    private EdgeNode(Vertx vertx, boolean ownsVertx, EdgeConfig config, DataDirectory dataDirectory) {
        this.vertx = vertx;
        this.ownsVertx = ownsVertx;
        this.config = config;
        this.dataDirectory = dataDirectory;
        this.sessions = new SessionTable(vertx, registry, config.offlineGrace(), this::closeRemovedEndpoints);
        this.tcpEndpoints = new TcpEndpoints(vertx, config.bindAddress(), registry, sessions);
        List<String> tokens = new ArrayList<>(config.authtokens());
        tokens.add(dataDirectory.devAuthtoken());
        EndpointBinder binder = new EndpointBinder(registry, tcpEndpoints, config.domain(), config.tcpPorts(), () -> httpPort);
        SessionServices services = new SessionServices(vertx, new TokenVerifier(tokens), sessions, binder, registry,
                config.heartbeatInterval());
        this.httpServer = new PublicHttpServer(vertx, registry, sessions, config.bindAddress(), config.httpPort());
        this.linkServer = new AgentLinkServer(vertx, services, dataDirectory.pki(), config.bindAddress(), config.tunnelPort());
    }

    /** Starts a node on its own Vert.x instance (native transport preferred), which {@link #close()} closes. */
    public static Future<EdgeNode> start(EdgeConfig config) {
        EdgeConfig valid;
        try {
            valid = config.validate();
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
        Vertx vertx = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
        // Context-less promise: a future chained on an event-loop context would never complete once Vert.x is closed.
        Promise<EdgeNode> result = Promise.promise();
        start(vertx, true, valid).onComplete(ar -> {
            if (ar.succeeded()) {
                result.complete(ar.result());
            } else {
                vertx.close().onComplete(ignored -> result.fail(ar.cause()));
            }
        });
        return result.future();
    }

    /** Starts a node on the caller's Vert.x instance; {@link #close()} leaves it running. */
    public static Future<EdgeNode> start(Vertx vertx, EdgeConfig config) {
        EdgeConfig valid;
        try {
            valid = config.validate();
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
        return start(vertx, false, valid);
    }

    private static Future<EdgeNode> start(Vertx vertx, boolean ownsVertx, EdgeConfig config) {
        return vertx.executeBlocking(() -> DataDirectory.prepare(config.dataDir(), config.domain()))
                .compose(dataDirectory -> {
                    EdgeNode node = new EdgeNode(vertx, ownsVertx, config, dataDirectory);
                    return node.listen().map(node).recover(error -> node.stopListeners().transform(ignored -> Future.failedFuture(error)));
                });
    }

    private Future<Void> listen() {
        return httpServer.listen()
                .recover(error -> Future.failedFuture(cannotListen("public HTTP", config.httpPort(), "--http-port", error)))
                .compose(port -> {
                    httpPort = port;
                    return linkServer.listen()
                            .recover(error -> Future.failedFuture(cannotListen("the agent link", config.tunnelPort(), "--tunnel-port", error)));
                })
                .map(port -> {
                    tunnelPort = port;
                    LOG.info("edge node up: http={} tunnel={} (TLS 1.3, {} engine) transport={} domain={}", httpPort, tunnelPort,
                            linkServer.tlsEngine(), vertx.isNativeTransportEnabled() ? "native" : "nio", config.domain());
                    return null;
                });
    }

    private EdgeStartException cannotListen(String what, int port, String flag, Throwable error) {
        String reason = String.valueOf(error.getMessage());
        if (reason.toLowerCase(java.util.Locale.ROOT).contains("address already in use")) {
            reason = "the port is already in use";
        } else if (reason.toLowerCase(java.util.Locale.ROOT).contains("permission denied")) {
            reason = "permission denied (ports below 1024 need privileges)";
        }
        return new EdgeStartException("cannot listen for " + what + " on " + config.bindAddress() + ":" + port + ": "
                + reason + "; choose another " + flag + " (0 picks a free port)", error);
    }

    private void closeRemovedEndpoints(List<Endpoint> removed) {
        for (Endpoint endpoint : removed) {
            if (endpoint.protocol() == EndpointProtocol.TCP) {
                tcpEndpoints.close(endpoint.id());
            }
        }
    }

    /** Tells agents the node is going away, closes every listener and link, and the Vert.x instance if it owns it. */
    public Future<Void> close() {
        if (!ownsVertx) {
            return stopListeners();
        }
        Promise<Void> closed = Promise.promise();
        stopListeners().onComplete(ignored -> vertx.close().onComplete(closed));
        return closed.future();
    }

    private Future<Void> stopListeners() {
        sessions.close();
        return Future.join(linkServer.close(), httpServer.close(), tcpEndpoints.closeAll()).mapEmpty();
    }

    public EdgeConfig config() {
        return config;
    }

    /** The bound public HTTP port (the configured one, or the one picked for port 0). */
    public int httpPort() {
        return httpPort;
    }

    /** The bound agent link port. */
    public int tunnelPort() {
        return tunnelPort;
    }

    /** The dev CA certificate agents must trust ({@code --edge-ca}). */
    public Path caCertPath() {
        return dataDirectory.pki().caCert();
    }

    /** The dev authtoken of the data directory (always accepted, besides configured tokens). */
    public String devAuthtoken() {
        return dataDirectory.devAuthtoken();
    }

    public DataDirectory dataDirectory() {
        return dataDirectory;
    }

    public EndpointRegistry registry() {
        return registry;
    }

    /** Sessions with a live agent link (a gauge tests can watch return to baseline). */
    public int liveSessionCount() {
        return sessions.liveSessionCount();
    }

    /** TCP endpoint ports currently listening. */
    public int tcpListenerCount() {
        return tcpEndpoints.listenerCount();
    }

    /** Which TLS engine serves the agent link ("OpenSSL" or "JDK"). */
    public String tlsEngine() {
        return linkServer.tlsEngine();
    }

    public Vertx vertx() {
        return vertx;
    }
}
