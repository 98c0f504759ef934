package dev.burrow.cluster;

import dev.burrow.testsupport.cluster.EdgeCluster;
import dev.burrow.testsupport.cluster.SteadyLoad;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 under load: a 3-node cluster (separate JVMs), a 2-link agent that dialed node 0 first, 20 req/s for 10 s
 * through the two other nodes; node 0 is killed 2 s in. Every request at the survivors succeeds.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KillUnderLoadE2ETest extends ClusterWithAgentTest {
    @Test
    void killingANodeLosesNoRequestAtTheSurvivors() throws Exception {
        startClusterAndAgent(() -> EdgeCluster.start(3, "1s"), "killed");

        SteadyLoad load = new SteadyLoad(List.of(cluster.node(1), cluster.node(2)), "killed");
        CompletableFuture<Void> kill = CompletableFuture.runAsync(() -> {
            ClusterTestSupport.sleep(2_000);
            cluster.node(0).kill();
        });
        load.run(20, Duration.ofSeconds(10), Duration.ofSeconds(5));
        kill.get(30, TimeUnit.SECONDS);

        System.out.printf("kill -9: node1 %s; node2 %s%n", load.counts(cluster.node(1)), load.counts(cluster.node(2)));
        assertEquals(List.of(), load.counts(cluster.node(1)).failures, "failed requests at node 1");
        assertEquals(List.of(), load.counts(cluster.node(2)).failures, "failed requests at node 2");
        assertTrue(load.counts(cluster.node(1)).succeeded.get() + load.counts(cluster.node(2)).succeeded.get() >= 190,
                "requests served");
    }
}
