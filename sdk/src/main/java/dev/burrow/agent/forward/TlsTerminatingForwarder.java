package dev.burrow.agent.forward;

import dev.burrow.agent.TunnelConnection;
import dev.burrow.agent.internal.HostPort;
import dev.burrow.net.TcpKeepAlive;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * A TLS endpoint whose TLS the agent terminates (ngrok's agent TLS termination): each public connection, still
 * encrypted as the edge passed it through, goes to a TLS server on a loopback port that holds the endpoint's
 * certificate, and that server pipes the plaintext to the upstream. The visitor's TLS session ends in this process;
 * the upstream speaks plain TCP.
 */
public final class TlsTerminatingForwarder implements ConnectionForwarder {
    private static final Logger LOG = LoggerFactory.getLogger(TlsTerminatingForwarder.class);
    /** How long a visitor may take to finish its TLS handshake before the connection is closed. */
    public static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    private final HostPort upstream;
    private final NetClient upstreamClient;
    private final NetServer terminator;
    private final Future<Integer> listening;
    private volatile TcpForwarder toTerminator;

    TlsTerminatingForwarder(Vertx vertx, HostPort upstream, Duration connectTimeout, KeyCertOptions certificate) {
        this.upstream = upstream;
        this.upstreamClient = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis())));
        this.terminator = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(0).setTcpNoDelay(true)
                .setSsl(true).setKeyCertOptions(certificate)
                .setSslHandshakeTimeout(HANDSHAKE_TIMEOUT.toMillis()).setSslHandshakeTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS));
        this.listening = terminator.connectHandler(this::onDecrypted).listen().map(NetServer::actualPort)
                .onSuccess(port -> toTerminator = new TcpForwarder(vertx, new HostPort("127.0.0.1", port), connectTimeout))
                .onFailure(error -> LOG.warn("tls: cannot start the TLS termination for {}: {}", upstream, error.getMessage()));
    }

    @Override
    public void handle(TunnelConnection connection) {
        connection.pause();
        listening.onComplete(ar -> {
            if (ar.failed()) {
                connection.reset(dev.burrow.protocol.ErrorCode.UPSTREAM_UNREACHABLE,
                        "the agent could not start its TLS termination: " + ar.cause().getMessage());
            } else {
                toTerminator.handle(connection);
            }
        });
    }

    /**
     * A visitor's connection after its handshake: piped, plaintext, to the upstream, each side's end of input passed on
     * as a half-close of the other (a visitor that shuts its writing side after a request still gets the answer).
     */
    private void onDecrypted(NetSocket socket) {
        HalfCloseSocket visitor = HalfCloseSocket.wrap(socket).pause();
        visitor.exceptionHandler(error -> LOG.debug("tls termination for {}: {}", upstream, error.toString()));
        upstreamClient.connect(upstream.port(), upstream.host()).onComplete(ar -> {
            if (ar.failed()) {
                LOG.debug("tls termination: upstream {} unreachable: {}", upstream, ar.cause().getMessage());
                visitor.close();
                return;
            }
            TcpKeepAlive.enable(ar.result());
            RawPipe.splice(visitor, HalfCloseSocket.wrap(ar.result()), upstream.toString());
        });
    }

    /** Closes the TLS server, the upstream client and the hop to the TLS server, even one made after this call. */
    @Override
    public Future<Void> close() {
        Future<Void> hop = listening.transform(ar -> ar.succeeded() ? toTerminator.close() : Future.succeededFuture());
        return Future.join(terminator.close(), upstreamClient.close(), hop).mapEmpty();
    }
}
