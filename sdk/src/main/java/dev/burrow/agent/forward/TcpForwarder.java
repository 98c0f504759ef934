package dev.burrow.agent.forward;

import dev.burrow.agent.TunnelConnection;
import dev.burrow.agent.internal.HostPort;
import dev.burrow.net.TcpKeepAlive;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Forwards each connection of a TCP endpoint to the upstream: one upstream socket per connection, bytes piped
 * both ways with backpressure, a half-close in either direction passed on as a half-close. TCP keep-alive on the
 * upstream socket notices an upstream host that vanished.
 */
final class TcpForwarder implements ConnectionForwarder {
    private static final Logger LOG = LoggerFactory.getLogger(TcpForwarder.class);

    private final HostPort upstream;
    private final NetClient client;

    TcpForwarder(Vertx vertx, HostPort upstream, Duration connectTimeout) {
        this.upstream = upstream;
        this.client = vertx.createNetClient(new NetClientOptions()
                .setTcpNoDelay(true)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis())));
    }

    @Override
    public void handle(TunnelConnection connection) {
        connection.pause();
        client.connect(upstream.port(), upstream.host()).onComplete(ar -> {
            if (ar.failed()) {
                UpstreamFailures.Failure failure = UpstreamFailures.classify(ar.cause(), upstream.toString());
                LOG.debug("{}: {}", connection, failure.message());
                connection.reset(failure.code(), failure.message());
                return;
            }
            TcpKeepAlive.enable(ar.result());
            HalfCloseSocket socket = HalfCloseSocket.wrap(ar.result());
            RawPipe.between(connection, socket, socket, socket::close, upstream.toString());
        });
    }

    @Override
    public Future<Void> close() {
        return client.close();
    }
}
