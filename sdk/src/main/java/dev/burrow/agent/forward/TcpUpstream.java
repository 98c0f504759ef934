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

    /**
     * A forwarder that terminates each connection's TLS with {@code certificate} in this process and pipes the
     * plaintext to the upstream (a TLS endpoint terminated by the agent).
     */
    public ConnectionForwarder terminatingTls(Vertx vertx, Duration connectTimeout, io.vertx.core.net.KeyCertOptions certificate) {
        return new TlsTerminatingForwarder(vertx, address, connectTimeout, certificate);
    }
}
