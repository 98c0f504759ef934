package dev.burrow.agent.forward;

import dev.burrow.agent.ExchangeObserver;
import dev.burrow.agent.TunnelConnection;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;

/** Exchanges through one pooled keep-alive Vert.x HTTP client: https, HTTP/2 and upgrades go this way. */
final class VertxUpstreamClient implements HttpUpstreamClient {
    /** Upstream connections kept per event loop; exchanges beyond this wait for a free one. */
    static final int POOL_SIZE = 256;

    private final Vertx vertx;
    private final HttpUpstream upstream;
    private final HttpClientAgent client;
    private final UpstreamTimeouts timeouts;
    private final ExchangeObserver observer;

    VertxUpstreamClient(Vertx vertx, HttpUpstream upstream, UpstreamTimeouts timeouts, ExchangeObserver observer, boolean http2,
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
    public void forward(TunnelConnection connection) {
        new HttpExchange(vertx, client, upstream, timeouts, connection, observer).start();
    }

    @Override
    public Future<Void> close() {
        return client.close();
    }
}
