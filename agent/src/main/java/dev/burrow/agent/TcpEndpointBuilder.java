package dev.burrow.agent;

import dev.burrow.agent.forward.TcpUpstream;
import dev.burrow.agent.internal.EndpointSpec;
import dev.burrow.agent.internal.HostPort;
import dev.burrow.agent.internal.SessionEngine;
import io.vertx.core.Future;

/** Configures a TCP endpoint: a public port on the edge, bytes piped both ways with half-close. */
public final class TcpEndpointBuilder {
    private final SessionEngine engine;
    private int port;
    private boolean pooling;

    TcpEndpointBuilder(SessionEngine engine) {
        this.engine = engine;
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
        this.pooling = pooling;
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
        return engine.forward(EndpointSpec.tcp(port, target.uri().toString(), pooling), target.uri(),
                (vertx, options) -> target.connectionHandler(vertx, options.connectTimeout()));
    }

    /** Binds the endpoint; the application takes each connection with {@link EndpointListener#accept()}. */
    public Future<EndpointListener> listen() {
        return engine.listen(EndpointSpec.tcp(port, null, pooling));
    }
}
