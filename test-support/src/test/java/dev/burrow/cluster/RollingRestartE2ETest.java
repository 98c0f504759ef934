package dev.burrow.cluster;

import dev.burrow.testsupport.Await;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.cluster.EdgeCluster;
import dev.burrow.testsupport.cluster.SteadyLoad;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A rolling restart under load: a 3-node cluster (separate JVMs), a 2-link agent, 20 req/s spread over the nodes by a
 * load balancer that moves a refused connection to the next node; each node in turn gets SIGTERM, drains, exits 0, and
 * is started again on the same ports and data directory; the next node goes only once /readyz answers 200 and the
 * agent has two live links again. Not one request fails, and the agent ends with two links.
 */
// Three drains and restarts in turn: about 90 s on an idle machine, and past 180 s at a load of 26 (2 cores).
@Timeout(value = 360, unit = TimeUnit.SECONDS)
class RollingRestartE2ETest extends ClusterWithAgentTest {
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);
    @Test
    void restartingEveryNodeInTurnLosesNoRequest() throws Exception {
        startClusterAndAgent(() -> EdgeCluster.start(3, "1s", "--drain-timeout", DRAIN_TIMEOUT.toSeconds() + "s"), "rolling");
        awaitTwoLinks();

        SteadyLoad load = new SteadyLoad(cluster.nodes(), "rolling").retryingRefused();
        CompletableFuture<Void> loadRun = CompletableFuture.runAsync(() ->
                load.run(20, Duration.ofSeconds(300), Duration.ofSeconds(5)));
        List<String> timeline = new ArrayList<>();
        try {
            ClusterTestSupport.sleep(1_000);
            for (int i = 0; i < cluster.nodes().size(); i++) {
                EdgeProcess node = cluster.node(i);
                int index = i;
                long t0 = System.nanoTime();
                node.terminate();
                int exit = node.process().awaitExit(DRAIN_TIMEOUT.plusSeconds(20));
                long drained = (System.nanoTime() - t0) / 1_000_000;
                assertEquals(0, exit, "node " + i + " exit code after its drain");
                node.startAgain();
                Await.until(() -> node.readyStatus() == 200, Duration.ofSeconds(30), Duration.ofMillis(100),
                        () -> "node " + index + " /readyz after its restart: " + node.readyStatus());
                long ready = (System.nanoTime() - t0) / 1_000_000;
                awaitTwoLinks();
                long relinked = (System.nanoTime() - t0) / 1_000_000;
                timeline.add("node" + i + ": drained " + drained + " ms, ready " + ready + " ms, agent has 2 links " + relinked + " ms");
            }
            ClusterTestSupport.sleep(1_000);
        } finally {
            load.stop();
            loadRun.get(60, TimeUnit.SECONDS);
        }

        System.out.printf("rolling restart: %s; node0 %s; node1 %s; node2 %s%n", timeline, load.counts(cluster.node(0)),
                load.counts(cluster.node(1)), load.counts(cluster.node(2)));
        assertEquals(List.of(), load.allFailures(), "failed requests during the rolling restart");
        assertTrue(load.totalSucceeded() >= 300, "requests served: " + load.totalSucceeded());
        assertEquals(2, ClusterTestSupport.liveLinks(agent).size(), "the agent's live links at the end");
        ClusterTestSupport.awaitServing(cluster.nodes(), "rolling", Duration.ofSeconds(10));
    }

    private void awaitTwoLinks() {
        Await.until(() -> ClusterTestSupport.liveLinks(agent).size() == 2, Duration.ofSeconds(20), Duration.ofMillis(100),
                () -> "the agent's live links: " + ClusterTestSupport.liveLinks(agent));
    }
}
