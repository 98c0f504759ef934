package dev.burrow.k8s;

import dev.burrow.agent.BurrowSession;
import dev.burrow.agent.SessionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.vertx.core.Vertx;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The controller as a process (in a pod): settings from the environment, the Kubernetes API from the pod's service
 * account (or ~/.kube/config), one session with the edge for everything it serves. Every replica serves (each endpoint
 * pooled with the other replicas'); only the one holding the Lease writes status. SIGTERM ends the session with a
 * goodbye, so the edge drops this replica from every pool at once while its exchanges in flight finish.
 * <ul>
 *   <li>{@code BURROW_AUTHTOKEN} (required), {@code BURROW_SERVER} (edge host:port), {@code BURROW_EDGE_CA} (PEM file);</li>
 *   <li>{@code BURROW_CONTROLLER_NAME} (default {@code burrow.dev/ingress-controller}), {@code BURROW_LOAD_BALANCER_CLASS}
 *   (default {@code burrow.dev/tunnel}), {@code BURROW_NAMESPACES} (comma-separated; default all);</li>
 *   <li>{@code BURROW_LEASE_NAMESPACE} (default {@code POD_NAMESPACE}, else {@code burrow-system}),
 *   {@code BURROW_LEASE_NAME} (default {@code burrow-controller}), {@code POD_NAME} (the replica's identity; default
 *   {@code HOSTNAME}).</li>
 * </ul>
 */
public final class ControllerMain {
    private ControllerMain() {
    }

    public static void main(String[] args) throws Exception {
        run(System.getenv(), ServiceUpstreams.clusterDns());
    }

    /** Runs until the session ends or the process is stopped; {@code upstreams} says where Services are reached. */
    static void run(Map<String, String> env, ServiceUpstreams upstreams) throws Exception {
        String authtoken = env.get("BURROW_AUTHTOKEN");
        if (authtoken == null || authtoken.isBlank()) {
            System.err.println("burrow-k8s-controller: set BURROW_AUTHTOKEN (from the Secret holding the edge's authtoken)");
            System.exit(2);
        }
        Vertx vertx = Vertx.vertx();
        SessionBuilder builder = BurrowSession.builder(vertx).authtoken(authtoken)
                .serverAddress(env.getOrDefault("BURROW_SERVER", SessionBuilder.DEFAULT_SERVER));
        if (env.get("BURROW_EDGE_CA") != null) {
            builder.edgeCa(Path.of(env.get("BURROW_EDGE_CA")));
        }
        BurrowSession session = builder.connect().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        List<String> namespaces = Arrays.stream(env.getOrDefault("BURROW_NAMESPACES", "").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
        ControllerSettings settings = new ControllerSettings(
                env.getOrDefault("BURROW_CONTROLLER_NAME", ControllerSettings.DEFAULT_CONTROLLER_NAME),
                env.getOrDefault("BURROW_LOAD_BALANCER_CLASS", ControllerSettings.DEFAULT_LOAD_BALANCER_CLASS), namespaces);
        LeaseSettings lease = LeaseSettings.of(
                env.getOrDefault("BURROW_LEASE_NAMESPACE", env.getOrDefault("POD_NAMESPACE", "burrow-system")),
                env.getOrDefault("BURROW_LEASE_NAME", "burrow-controller"),
                env.getOrDefault("POD_NAME", env.getOrDefault("HOSTNAME", UUID.randomUUID().toString())));
        KubernetesClient client = new KubernetesClientBuilder().build();
        BurrowController controller = BurrowController.startReplica(client, session, upstreams, settings);
        LeaderElection election = LeaderElection.start(client, lease, controller::writeStatus);
        System.out.println("Standing for lease " + lease.namespace() + "/" + lease.name() + " as " + lease.identity()
                + "; serving the classes of " + settings.controllerName() + " and load balancer class "
                + settings.loadBalancerClass() + " in " + (namespaces.isEmpty() ? "every namespace" : String.join(", ", namespaces)));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            election.close();
            controller.stopWatching();
            client.close();
            session.close().eventually(vertx::close).onComplete(done -> stopped.countDown());
            try {
                stopped.await(15, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        session.closed().toCompletionStage().toCompletableFuture().join();
    }
}
