package dev.burrow.agent.forward;

import dev.burrow.agent.ExchangeObserver;
import dev.burrow.agent.TunnelConnection;
import dev.burrow.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;

import java.util.List;


/**
 * Forwards each HTTP exchange of an endpoint to its upstream through one pooled keep-alive client
 * (no DNS, TCP or TLS set-up per request once the pool is warm).
 */
final class HttpForwarder implements ConnectionForwarder {
    /** Upstream connections kept per event loop; exchanges beyond this wait for a free one. */
    static final int POOL_SIZE = 256;

    private final Vertx vertx;
    private final HttpUpstream upstream;
    private final HttpClientAgent client;
    private final UpstreamTimeouts timeouts;
    private final ExchangeObserver observer;

    HttpForwarder(Vertx vertx, HttpUpstream upstream, UpstreamTimeouts timeouts, ExchangeObserver observer, boolean http2,
                  UpstreamTls tls) {
        this.vertx = vertx;
        this.upstream = upstream;
        this.observer = observer;
        this.timeouts = timeouts;
        long connectTimeoutMillis = timeouts.connect().toMillis();
        HttpClientOptions options = new HttpClientOptions()
                .setKeepAlive(true)
                .setTcpNoDelay(true)
                .setDecompressionSupported(false)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, connectTimeoutMillis))
                .setSsl(upstream.ssl());
        if (http2) {
            // Cleartext HTTP/2 with prior knowledge (h2c); over TLS, ALPN offers h2.
            options.setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false).setUseAlpn(upstream.ssl());
        }
        tls.applyTo(options);
        this.client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(POOL_SIZE));
    }

    @Override
    public void handle(TunnelConnection connection) {
        if (connection.requestHead() == null) {
            connection.reset(ErrorCode.PROTOCOL_ERROR, "an HTTP endpoint received a stream without a request head");
            return;
        }
        new HttpExchange(vertx, client, upstream, timeouts, connection, observer).start();
    }

    /** Shown to the observer as an exchange that failed at the edge, with the policy's trail. */
    @Override
    public void policyRefused(dev.burrow.protocol.ControlMessage.PolicyRefusal refusal) {
        if (observer == null) {
            return;
        }
        ExchangeObserver.Exchange refused = observer.begin(refusal.clientAddress(), refusal.method(), refusal.target(), List.of());
        refused.policyTrail(refusal.trail());
        if (refusal.status() > 0) {
            refused.response(refusal.status(), "", List.of());
        }
        refused.fail("refused at the edge by " + refusal.decision());
    }

    @Override
    public Future<Void> close() {
        return client.close();
    }
}
