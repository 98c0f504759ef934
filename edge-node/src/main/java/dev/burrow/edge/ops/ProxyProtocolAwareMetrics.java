package dev.burrow.edge.ops;

import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.metrics.MetricsOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.metrics.VertxMetrics;

/**
 * Vert.x metrics (Micrometer) for everything except an HTTP server that reads PROXY protocol headers. In Vert.x 5.0.7
 * an HTTP server with metrics reads the connection's remote address for the metrics before the HTTP connection
 * exists, which uses up the address from the PROXY header: requests would then see the load balancer's address
 * instead of the client's. Such a server therefore runs without Vert.x HTTP server metrics. The node's own gauges
 * and counters are not affected.
 */
public final class ProxyProtocolAwareMetrics implements VertxMetricsFactory {
    private final VertxMetricsFactory delegate;

    public ProxyProtocolAwareMetrics(VertxMetricsFactory delegate) {
        this.delegate = delegate;
    }

    @Override
    public VertxMetrics metrics(VertxOptions options) {
        VertxMetrics metrics = delegate.metrics(options);
        return new VertxMetrics() {
            @Override
            public HttpServerMetrics<?, ?, ?> createHttpServerMetrics(HttpServerOptions serverOptions, SocketAddress localAddress) {
                return serverOptions.isUseProxyProtocol() ? null : metrics.createHttpServerMetrics(serverOptions, localAddress);
            }

            @Override
            public io.vertx.core.spi.metrics.EventBusMetrics createEventBusMetrics() {
                return metrics.createEventBusMetrics();
            }

            @Override
            public io.vertx.core.spi.metrics.ClientMetrics<?, ?, ?> createClientMetrics(SocketAddress remoteAddress, String type, String namespace) {
                return metrics.createClientMetrics(remoteAddress, type, namespace);
            }

            @Override
            public io.vertx.core.spi.metrics.HttpClientMetrics<?, ?, ?> createHttpClientMetrics(io.vertx.core.http.HttpClientOptions clientOptions) {
                return metrics.createHttpClientMetrics(clientOptions);
            }

            @Override
            public io.vertx.core.spi.metrics.TCPMetrics<?> createNetServerMetrics(io.vertx.core.net.NetServerOptions serverOptions, SocketAddress localAddress) {
                return metrics.createNetServerMetrics(serverOptions, localAddress);
            }

            @Override
            public io.vertx.core.spi.metrics.TCPMetrics<?> createNetClientMetrics(io.vertx.core.net.NetClientOptions clientOptions) {
                return metrics.createNetClientMetrics(clientOptions);
            }

            @Override
            public io.vertx.core.spi.metrics.DatagramSocketMetrics createDatagramSocketMetrics(io.vertx.core.datagram.DatagramSocketOptions socketOptions) {
                return metrics.createDatagramSocketMetrics(socketOptions);
            }

            @Override
            public io.vertx.core.spi.metrics.PoolMetrics<?, ?> createPoolMetrics(String poolType, String poolName, int maxPoolSize) {
                return metrics.createPoolMetrics(poolType, poolName, maxPoolSize);
            }

            @Override
            public void vertxCreated(io.vertx.core.Vertx vertx) {
                metrics.vertxCreated(vertx);
            }

            @Override
            public boolean isMetricsEnabled() {
                return metrics.isMetricsEnabled();
            }

            @Override
            public void close() {
                metrics.close();
            }
        };
    }

    @Override
    public MetricsOptions newOptions() {
        return delegate.newOptions();
    }

    @Override
    public MetricsOptions newOptions(MetricsOptions options) {
        return delegate.newOptions(options);
    }

    @Override
    public MetricsOptions newOptions(JsonObject json) {
        return delegate.newOptions(json);
    }
}
