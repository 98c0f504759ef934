package dev.burrow.edge.deploy;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.NetServer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Runs one listener as several verticle instances, each on its own event loop, all sharing one port, so that
 * connections spread over the cores. Port 0 becomes one of Vert.x's shared random ports (a negative port: servers
 * given the same negative value share one random port), a distinct value per deployment so that two listeners never
 * join each other. {@link #shutdown(Duration)} stops accepting at once and lets open connections finish;
 * {@link #close()} (undeploying) closes every instance's server and its connections at once.
 */
public final class ListenerDeployment {
    private static final AtomicInteger SHARED_RANDOM_PORTS = new AtomicInteger(-1000);

    /** One instance's server: the port it bound and its graceful shutdown (stop accepting, finish, then close). */
    public record Bound(int port, Function<Duration, Future<Void>> shutdown) {
        public static Bound of(HttpServer server) {
            return new Bound(server.actualPort(), grace -> server.shutdown(grace.toMillis(), TimeUnit.MILLISECONDS));
        }

        public static Bound of(NetServer server) {
            return new Bound(server.actualPort(), grace -> server.shutdown(grace.toMillis(), TimeUnit.MILLISECONDS));
        }
    }

    private final Vertx vertx;
    private final String deploymentId;
    private final int port;
    private final List<Bound> servers;

    private ListenerDeployment(Vertx vertx, String deploymentId, int port, List<Bound> servers) {
        this.vertx = vertx;
        this.deploymentId = deploymentId;
        this.port = port;
        this.servers = servers;
    }

    /**
     * @param listen called once per instance on that instance's context with the port to listen on; creates the
     *               server there and completes with it
     */
    public static Future<ListenerDeployment> deploy(Vertx vertx, int instances, int port, IntFunction<Future<Bound>> listen) {
        int sharedPort = port == 0 ? SHARED_RANDOM_PORTS.decrementAndGet() : port;
        List<Bound> bound = new ArrayList<>();
        return vertx.deployVerticle(() -> new VerticleBase() {
            @Override
            public Future<?> start() {
                return listen.apply(sharedPort).onSuccess(server -> {
                    synchronized (bound) {
                        bound.add(server);
                    }
                });
            }
        }, new DeploymentOptions().setInstances(Math.max(1, instances))).map(id -> {
            synchronized (bound) {
                return new ListenerDeployment(vertx, id, bound.get(0).port(), List.copyOf(bound));
            }
        });
    }

    /** The bound port. */
    public int port() {
        return port;
    }

    /**
     * Stops accepting connections at once; open connections may finish their exchanges (an HTTP/1.1 connection closes
     * after its response in progress, HTTP/2 gets GOAWAY, a raw TCP connection runs until either end closes it) until
     * {@code grace} has passed, when whatever is left is closed. Completes when every connection is closed.
     */
    public Future<Void> shutdown(Duration grace) {
        List<Future<Void>> closing = new ArrayList<>();
        for (Bound server : servers) {
            closing.add(server.shutdown().apply(grace));
        }
        return Future.join(closing).<Void>mapEmpty().otherwiseEmpty().compose(v -> close());
    }

    /** Closes the servers of every instance and their connections. */
    public Future<Void> close() {
        return vertx.undeploy(deploymentId).otherwiseEmpty();
    }

    /** Instances for a listener: one per event loop of {@code vertx} (at most one per core). */
    public static int defaultInstances(Vertx vertx) {
        int loops = 0;
        if (vertx instanceof io.vertx.core.internal.VertxInternal internal) {
            for (io.netty.util.concurrent.EventExecutor ignored : internal.nettyEventLoopGroup()) {
                loops++;
            }
        }
        if (loops == 0) {
            loops = Runtime.getRuntime().availableProcessors();
        }
        return Math.max(1, Math.min(loops, Runtime.getRuntime().availableProcessors()));
    }
}
