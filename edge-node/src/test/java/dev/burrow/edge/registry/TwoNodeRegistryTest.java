package dev.burrow.edge.registry;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.burrow.edge.cluster.HazelcastSetup;
import dev.burrow.edge.config.ClusterSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The fixture of the registry tests: one embedded Hazelcast member for the class, and two registries on it with
 * different node ids, standing for two nodes of one cluster. The tests share the member, so each names its sessions
 * with its own {@link #run} prefix.
 */
abstract class TwoNodeRegistryTest {
    static Vertx vertx;
    static HazelcastInstance hazelcast;
    static HazelcastEndpointRegistry nodeA;
    static HazelcastEndpointRegistry nodeB;

    /** A prefix unique to this test, for its session ids. */
    final String run = UUID.randomUUID().toString().substring(0, 8) + "-";

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        ClusterSettings cluster = ClusterSettings.defaults().withName("registry-test-" + UUID.randomUUID().toString().substring(0, 8));
        hazelcast = Hazelcast.newHazelcastInstance(HazelcastSetup.config(
                new ClusterSettings(cluster.port(), List.of(), cluster.name(), "127.0.0.1", 0, null, null)));
        nodeA = new HazelcastEndpointRegistry(vertx, hazelcast, "member-a", "a");
        nodeB = new HazelcastEndpointRegistry(vertx, hazelcast, "member-b", "b");
    }

    @AfterAll
    static void stop() throws Exception {
        hazelcast.shutdown();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
