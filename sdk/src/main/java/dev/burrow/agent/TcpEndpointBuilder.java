package dev.burrow.agent;

import dev.burrow.protocol.EndpointSettings;
import dev.burrow.agent.forward.ConnectionForwarder;
import dev.burrow.agent.forward.TcpUpstream;
import dev.burrow.agent.internal.EndpointSpec;
import dev.burrow.agent.internal.HostPort;
import dev.burrow.agent.internal.SessionEngine;
import io.vertx.core.Future;

/**
 * Configures a TCP endpoint: a public port on the edge, bytes piped both ways with half-close; or, from
 * {@link BurrowSession#tlsEndpoint()}, a TLS endpoint: a hostname routed by SNI, piped the same way.
 */
public final class TcpEndpointBuilder {
    private final SessionEngine engine;
    private int port;
    private EndpointSettings settings = EndpointSettings.DEFAULTS;
    private java.util.function.Consumer<TunnelConnection> observer;
    private boolean tls;
    private String hostname;
    private String subdomain;
    private io.vertx.core.net.KeyCertOptions terminationCertificate;

    TcpEndpointBuilder(SessionEngine engine) {
        this.engine = engine;
    }

    TcpEndpointBuilder tls() {
        this.tls = true;
        return this;
    }

    /** A TLS endpoint's full public hostname, for example {@code db.localhost}. */
    public TcpEndpointBuilder hostname(String hostname) {
        this.hostname = hostname;
        return this;
    }

    /** A TLS endpoint's name under the edge's base domain, for example {@code db} for {@code db.localhost}. */
    public TcpEndpointBuilder subdomain(String subdomain) {
        this.subdomain = subdomain;
        return this;
    }

    private EndpointSpec spec(String upstream) {
        return tls ? EndpointSpec.http(dev.burrow.protocol.BindProtocols.TLS, hostname, subdomain, upstream, settings)
                : EndpointSpec.tcp(port, upstream, settings);
    }

    /** The public port to ask for; 0 (the default) lets the edge pick one from its range. */
    public TcpEndpointBuilder port(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not between 0 and 65535");
        }
        this.port = port;
        return this;
    }

    /**
     * Lets other agents of the same tenant bind the same port with pooling too; the edge then spreads the
     * connections over all of them. Without it (the default) a port bound by another agent is refused.
     */
    public TcpEndpointBuilder pooling(boolean pooling) {
        this.settings = settings.withPooling(pooling);
        return this;
    }

    /**
     * The endpoint's traffic policy (ngrok's Traffic Policy document, YAML or JSON), applied by the edge to every
     * connection and request before any reaches this agent. The edge compiles it when binding and refuses a bad one
     * with {@code traffic_policy:line:col: what to fix}.
     */
    public TcpEndpointBuilder trafficPolicy(String document) {
        this.settings = settings.withTrafficPolicy(document);
        return this;
    }

    /**
     * A TLS endpoint whose TLS this agent terminates with the certificate chain and key in these PEM files: visitors'
     * sessions end here, and the upstream gets plaintext. Without it (the default) the bytes go to the upstream as
     * they came, and the upstream holds the certificate.
     */
    public TcpEndpointBuilder terminateTls(String certificatePemFile, String keyPemFile) {
        this.terminationCertificate = new io.vertx.core.net.PemKeyCertOptions().setCertPath(certificatePemFile).setKeyPath(keyPemFile);
        return this;
    }

    /** Binds the endpoint and pipes every connection to {@code upstream} ("host:port"). */
    public Future<Forwarder> forward(String upstream) {
        TcpUpstream target;
        try {
            target = new TcpUpstream(HostPort.parse(upstream, "upstream"));
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(e);
        }
        java.util.function.Consumer<TunnelConnection> watcher = observer;
        io.vertx.core.net.KeyCertOptions certificate = tls ? terminationCertificate : null;
        return engine.forward(spec(target.uri().toString()), target.uri(), (vertx, options) -> {
            ConnectionForwarder pipe = certificate == null ? target.connectionHandler(vertx, options.connectTimeout())
                    : target.terminatingTls(vertx, options.connectTimeout(), certificate);
            return watcher == null ? pipe : new ConnectionForwarder() {
                @Override
                public void handle(TunnelConnection connection) {
                    watcher.accept(connection);
                    pipe.handle(connection);
                }

                @Override
                public Future<Void> close() {
                    return pipe.close();
                }
            };
        });
    }

    /**
     * Shows each public connection to {@code observer} before it is piped (the terminal view counts them;
     * {@link TunnelConnection#closed()} tells when one ends). Called on the connection's event loop; must not block.
     */
    public TcpEndpointBuilder onConnection(java.util.function.Consumer<TunnelConnection> observer) {
        this.observer = observer;
        return this;
    }

    /** Binds the endpoint; the application takes each connection with {@link EndpointListener#accept()}. */
    public Future<EndpointListener> listen() {
        return engine.listen(spec(null));
    }
}
