package dev.burrow.edge.link;

import dev.burrow.edge.deploy.ListenerDeployment;
import dev.burrow.mux.LinkRole;
import dev.burrow.mux.MuxOptions;
import dev.burrow.mux.StreamMultiplexer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.JdkSSLEngineOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemKeyCertOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;

/**
 * The TLS 1.3 listener agents dial. Each connection gets a {@link StreamMultiplexer} (acceptor side) and an
 * {@link AgentSession}; this class only wires them.
 */
public final class AgentLinkServer {
    private static final Logger LOG = LoggerFactory.getLogger(AgentLinkServer.class);

    private final Vertx vertx;
    private final SessionServices services;
    private final NetServerOptions options;
    private final int port;
    private ListenerDeployment deployment;

    /** @param certPath PEM chain the link presents, {@code keyPath} its private key (the dev ones or --tls-cert/--tls-key) */
    public AgentLinkServer(Vertx vertx, SessionServices services, java.nio.file.Path certPath, java.nio.file.Path keyPath,
                           String bindAddress, int port) {
        this.vertx = vertx;
        this.services = services;
        this.port = port;
        this.options = new NetServerOptions()
                .setHost(bindAddress)
                .setTcpNoDelay(true)
                .setSsl(true)
                .setKeyCertOptions(new PemKeyCertOptions()
                        .setCertPath(certPath.toString())
                        .setKeyPath(keyPath.toString()))
                .setEnabledSecureTransportProtocols(Set.of("TLSv1.3"))
                .setSslEngineOptions(OpenSSLEngineOptions.isAvailable() ? new OpenSSLEngineOptions() : new JdkSSLEngineOptions());
    }

    /** Which TLS engine the listener uses, for the startup log. */
    public String tlsEngine() {
        return options.getSslEngineOptions() instanceof OpenSSLEngineOptions ? "OpenSSL" : "JDK";
    }

    /** Starts listening, one instance per core (links spread over event loops); completes with the bound port. */
    public Future<Integer> listen() {
        return ListenerDeployment.deploy(vertx, ListenerDeployment.defaultInstances(vertx), port, instancePort ->
                        vertx.createNetServer(new NetServerOptions(options).setPort(instancePort))
                                .connectHandler(this::onConnect)
                                .listen()
                                .map(ListenerDeployment.Bound::of))
                .onSuccess(d -> deployment = d)
                .map(ListenerDeployment::port);
    }

    private void onConnect(NetSocket socket) {
        String remote = String.valueOf(socket.remoteAddress());
        try {
            Context context = Vertx.currentContext();
            MuxOptions muxOptions = MuxOptions.defaults("agent-link " + remote)
                    .withHeartbeatInterval(services.heartbeatInterval());
            StreamMultiplexer mux = new StreamMultiplexer(vertx, socket, LinkRole.ACCEPTOR, muxOptions);
            new AgentSession(services, mux, context, remote).start();
            LOG.debug("agent-link {}: connected", remote);
        } catch (RuntimeException e) {
            LOG.error("agent-link {}: could not set up the link; closing it", remote, e);
            socket.close();
        }
    }

    /** Stops accepting links; existing links are closed by {@link SessionTable#close()}. */
    public Future<Void> close() {
        return deployment == null ? Future.succeededFuture() : deployment.close();
    }
}
