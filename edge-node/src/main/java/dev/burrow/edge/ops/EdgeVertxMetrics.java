package dev.burrow.edge.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.metrics.MetricsOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.VertxMetricsFactory;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.metrics.VertxMetrics;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;

import java.util.UUID;

/**
 * Vert.x's Micrometer metrics as the node exposes them, in the node's registry. Two differences for HTTP servers:
 * <ul>
 * <li>An HTTP server that reads PROXY protocol headers has no Vert.x HTTP server metrics. In Vert.x 5.0.7 an HTTP
 * server with metrics reads the connection's remote address for the metrics before the HTTP connection exists,
 * which uses up the address from the PROXY header: requests would then see the load balancer's address instead of
 * the client's.</li>
 * <li>Every other HTTP server counts its requests in {@link HttpRequestMeters} (same names, labels and descriptions)
 * instead of the library's per-request code, which looks its meters up in the registry on every request
 * (docs/benchmarks.md, session 12).</li>
 * </ul>
 * The node's own gauges and counters are not affected.
 */
public final class EdgeVertxMetrics implements VertxMetricsFactory {
    private final MeterRegistry registry;
    private final VertxMetricsFactory delegate;

    public EdgeVertxMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.delegate = new MicrometerMetricsFactory(registry);
    }

    /**
     * The options to give Vert.x: the library's defaults under a registry name of this node's own, because the
     * library keeps one registry per name for the whole JVM and would otherwise put a second node's metrics into the
     * first node's registry.
     */
    public static MicrometerMetricsOptions options() {
        return new MicrometerMetricsOptions().setEnabled(true).setRegistryName("burrow-node-" + UUID.randomUUID());
    }

    @Override
    public VertxMetrics metrics(VertxOptions options) {
        VertxMetrics metrics = delegate.metrics(options);
        HttpRequestMeters requests = new HttpRequestMeters(registry);
        return new VertxMetrics() {
            @Override
            public HttpServerMetrics<?, ?, ?> createHttpServerMetrics(HttpServerOptions serverOptions, SocketAddress localAddress) {
                if (serverOptions.isUseProxyProtocol()) {
                    return null;
                }
                HttpServerMetrics<?, ?, ?> library = metrics.createHttpServerMetrics(serverOptions, localAddress);
                return library == null ? null : LeanHttpServerMetrics.over(library, requests);
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
