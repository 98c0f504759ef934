package dev.burrow.agent.internal;

import dev.burrow.agent.SessionOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.OpenSSLEngineOptions;
import io.vertx.core.net.PemTrustOptions;

import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Dials the edge: TCP, then TLS 1.3 with the edge's certificate checked against {@code --edge-ca} (only) or the
 * system trust store, and its name checked against the address dialed. Uses OpenSSL when available. Owns its
 * {@link NetClient}; {@link #close()} releases it.
 */
public final class EdgeConnector {
    private final SessionOptions options;
    private final NetClient client;

    public EdgeConnector(Vertx vertx, SessionOptions options) {
        this.options = options;
        this.client = vertx.createNetClient(clientOptions(options));
    }

    static NetClientOptions clientOptions(SessionOptions options) {
        int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis());
        NetClientOptions net = new NetClientOptions()
                .setSsl(true)
                .setHostnameVerificationAlgorithm("HTTPS")
                .setEnabledSecureTransportProtocols(Set.of("TLSv1.3"))
                .setConnectTimeout(timeoutMillis)
                .setSslHandshakeTimeout(timeoutMillis)
                .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS)
                .setTcpNoDelay(true)
                .setTcpKeepAlive(true);
        if (OpenSSLEngineOptions.isAvailable()) {
            net.setSslEngineOptions(new OpenSSLEngineOptions());
        }
        if (options.localAddress() != null) {
            net.setLocalAddress(options.localAddress());
        }
        if (options.edgeCa() != null) {
            net.setTrustOptions(new PemTrustOptions().addCertPath(options.edgeCa().toAbsolutePath().toString()));
        }
        return net;
    }

    /** Opens a TLS connection to the edge. Call on the session's context: the socket is bound to it. */
    public Future<NetSocket> connect() {
        return client.connect(options.serverPort(), options.serverHost(), options.serverHost());
    }

    public Future<Void> close() {
        return client.close();
    }
}
