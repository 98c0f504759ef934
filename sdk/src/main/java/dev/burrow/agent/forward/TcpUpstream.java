package dev.burrow.agent.forward;

import dev.burrow.agent.internal.HostPort;
import io.vertx.core.Vertx;

import java.net.URI;
import java.time.Duration;

/** Where a TCP endpoint forwards to. */
public record TcpUpstream(HostPort address) {

    public URI uri() {
        return URI.create("tcp://" + address);
    }

    /** A forwarder that opens one upstream connection per public connection. */
    public ConnectionForwarder connectionHandler(Vertx vertx, Duration connectTimeout) {
        return new TcpForwarder(vertx, address, connectTimeout);
    }
}
