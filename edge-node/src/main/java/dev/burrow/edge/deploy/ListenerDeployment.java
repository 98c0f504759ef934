package dev.burrow.edge.deploy;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Runs one listener as several verticle instances, each on its own event loop, all sharing one port, so that
 * connections spread over the cores. Port 0 becomes one of Vert.x's shared random ports (a negative port: servers
 * given the same negative value share one random port), a distinct value per deployment so that two listeners never
 * join each other. Undeploying closes every instance's server.
 */
public final class ListenerDeployment {
    private static final AtomicInteger SHARED_RANDOM_PORTS = new AtomicInteger(-1000);

    private final Vertx vertx;
    private final String deploymentId;
    private final int port;

    private ListenerDeployment(Vertx vertx, String deploymentId, int port) {
        this.vertx = vertx;
        this.deploymentId = deploymentId;
        this.port = port;
    }

    /**
     * @param listen called once per instance on that instance's context with the port to listen on; creates the
     *               server there and completes with the bound port
     */
    public static Future<ListenerDeployment> deploy(Vertx vertx, int instances, int port, IntFunction<Future<Integer>> listen) {
        int sharedPort = port == 0 ? SHARED_RANDOM_PORTS.decrementAndGet() : port;
        int[] bound = new int[1];
        return vertx.deployVerticle(() -> new VerticleBase() {
            @Override
            public Future<?> start() {
                return listen.apply(sharedPort).onSuccess(actual -> {
                    synchronized (bound) {
                        bound[0] = actual;
                    }
                });
            }
        }, new DeploymentOptions().setInstances(Math.max(1, instances))).map(id -> {
            synchronized (bound) {
                return new ListenerDeployment(vertx, id, bound[0]);
            }
        });
    }

    /** The bound port. */
    public int port() {
        return port;
    }

    /** Closes the servers of every instance. */
    public Future<Void> close() {
        return vertx.undeploy(deploymentId);
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
