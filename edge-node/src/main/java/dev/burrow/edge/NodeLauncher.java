package dev.burrow.edge;

import dev.burrow.edge.chain.PolicySource;
import dev.burrow.edge.config.EdgeConfig;
import dev.burrow.edge.config.TenancySettings;
import dev.burrow.edge.config.UdpSettings;
import dev.burrow.edge.ops.EdgeVertxMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.util.concurrent.CompletableFuture;

/**
 * Brings an {@link EdgeNode} up: validates the settings, prepares its resources (blocking, off the event loops), builds
 * its Vert.x instance when it owns one, then starts the node; on a failure, releases what was prepared.
 */
final class NodeLauncher {
    private NodeLauncher() {
    }

    /** On a clustered Vert.x instance of its own (native transport preferred, Vert.x metrics into the node's registry). */
    static Future<EdgeNode> onOwnVertx(EdgeConfig config, TenancySettings tenancy, UdpSettings udp) {
        EdgeConfig valid;
        TenancySettings validTenancy;
        UdpSettings validUdp;
        try {
            valid = config.validate();
            validTenancy = tenancy.validate();
            validUdp = udp.validate();
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // Context-less promise: a future chained on an event-loop context would never complete once Vert.x is closed.
        Promise<EdgeNode> result = Promise.promise();
        Future.fromCompletionStage(CompletableFuture.supplyAsync(() -> NodeResources.prepare(valid, validTenancy, validUdp))).onComplete(prepared -> {
            if (prepared.failed()) {
                result.fail(prepared.cause());
                return;
            }
            NodeResources p = prepared.result();
            VertxOptions options = new VertxOptions().setPreferNativeTransport(true)
                    .setEventLoopPoolSize(valid.effectiveEventLoops())
                    .setMetricsOptions(EdgeVertxMetrics.options());
            options.getEventBusOptions().setHost(valid.cluster().advertiseAddress()).setPort(0);
            Vertx.builder().with(options)
                    .withClusterManager(new HazelcastClusterManager(p.hazelcast()))
                    .withMetrics(new EdgeVertxMetrics(metrics))
                    .buildClustered()
                    .onComplete(built -> {
                        if (built.failed()) {
                            p.hazelcast().shutdown();
                            p.database().close();
                            result.fail(built.cause());
                            return;
                        }
                        Vertx vertx = built.result();
                        EdgeNode.create(vertx, true, valid, p, metrics).onComplete(ar -> {
                            if (ar.succeeded()) {
                                result.complete(ar.result());
                            } else {
                                vertx.close().onComplete(ignored -> {
                                    p.hazelcast().shutdown();
                                    p.database().close();
                                    result.fail(ar.cause());
                                });
                            }
                        });
                    });
        });
        return result.future();
    }

    /** On the caller's Vert.x instance, compiling policies with {@code policySource} (null: the real compiler). */
    static Future<EdgeNode> onVertx(Vertx vertx, EdgeConfig config, TenancySettings tenancy, PolicySource policySource) {
        EdgeConfig valid;
        TenancySettings validTenancy;
        try {
            valid = config.validate();
            validTenancy = tenancy.validate();
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        return vertx.executeBlocking(() -> NodeResources.prepare(valid, validTenancy, UdpSettings.defaults())
                .withPolicySource(policySource), false).compose(p -> EdgeNode.create(vertx, false, valid, p, metrics)
                .recover(error -> vertx.executeBlocking(() -> {
                    p.hazelcast().shutdown();
                    p.database().close();
                    return null;
                }, false).transform(ignored -> Future.failedFuture(error))));
    }
}
