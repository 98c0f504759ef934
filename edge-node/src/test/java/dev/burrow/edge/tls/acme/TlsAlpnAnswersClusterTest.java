package dev.burrow.edge.tls.acme;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.burrow.edge.cluster.HazelcastSetup;
import dev.burrow.edge.config.ClusterSettings;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Two nodes' TLS-ALPN answers on one cluster map: a node that made a challenge context for a name forgets it when the
 * node whose order ended withdraws the answer, not only the withdrawing node.
 */
class TlsAlpnAnswersClusterTest {
    private static Vertx vertx;
    private static HazelcastInstance hazelcast;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        ClusterSettings cluster = ClusterSettings.defaults().withName("alpn-test-" + UUID.randomUUID().toString().substring(0, 8));
        hazelcast = Hazelcast.newHazelcastInstance(HazelcastSetup.config(
                new ClusterSettings(cluster.port(), List.of(), cluster.name(), "127.0.0.1", 0, null, null)));
    }

    @AfterAll
    static void stop() throws Exception {
        hazelcast.shutdown();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aWithdrawnAnswerIsForgottenByEveryNodeThatAnsweredWithIt() throws Exception {
        TlsAlpnAnswers issuing = new TlsAlpnAnswers(vertx, hazelcast);
        TlsAlpnAnswers answering = new TlsAlpnAnswers(vertx, hazelcast);
        issuing.publish("web.example.com", new byte[32]);
        assertNotNull(answering.contextFor("web.example.com").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS));
        assertEquals(1, answering.cachedContexts());

        issuing.withdraw("web.example.com");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (answering.cachedContexts() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, answering.cachedContexts(), "the answering node dropped its stale context");
    }
}
