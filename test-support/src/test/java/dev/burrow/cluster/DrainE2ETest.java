package dev.burrow.cluster;

import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.Upstream;
import dev.burrow.testsupport.cluster.EdgeCluster;
import dev.burrow.testsupport.cluster.SteadyLoad;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM drains a node under load: a 3-node cluster (separate JVMs), a 2-link agent that dialed node 0 first, a
 * steady load of 20 req/s for 10 s through all three nodes; node 0 gets SIGTERM 2 s in. The nodes still accepting
 * answer every request, node 0 stops accepting, exits 0 within its drain timeout, and the agent's two live links end
 * up on the other nodes.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DrainE2ETest {
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);
    private Upstream upstream;
    private EdgeCluster cluster;
    private AgentProcess agent;

    @AfterEach
    void stopAll() {
        Closeables.closeAll(agent, cluster, upstream);
    }

    @Test
    void aDrainedNodeLosesNoRequestAtTheOthersAndExitsZero() throws Exception {
        upstream = Upstream.start();
        cluster = EdgeCluster.start(3, "1s", "--drain-timeout", DRAIN_TIMEOUT.toSeconds() + "s");
        agent = AgentProcess.http(cluster.node(0), upstream.httpAddress()).subdomain("drained").start();
        ClusterTestSupport.awaitServing(cluster.nodes(), "drained", Duration.ofSeconds(20));
        EdgeProcess draining = cluster.node(0);

        SteadyLoad load = new SteadyLoad(cluster.nodes(), "drained");
        CompletableFuture<Long> drained = CompletableFuture.supplyAsync(() -> {
            ClusterTestSupport.sleep(2_000);
            long t0 = System.nanoTime();
            draining.stop(DRAIN_TIMEOUT.plusSeconds(20)); // SIGTERM; SIGKILL only if the drain overran a lot
            return (System.nanoTime() - t0) / 1_000_000;
        });
        load.run(20, Duration.ofSeconds(10), Duration.ofSeconds(5));
        long drainMillis = drained.get(60, TimeUnit.SECONDS);

        Optional<Integer> exit = draining.process().exitCode();
        System.out.printf("drain: node0 exited %s after %d ms; node0 %s; node1 %s; node2 %s%n", exit.orElse(null),
                drainMillis, load.counts(draining), load.counts(cluster.node(1)), load.counts(cluster.node(2)));
        assertEquals(List.of(), load.counts(cluster.node(1)).failures, "failed requests at node 1");
        assertEquals(List.of(), load.counts(cluster.node(2)).failures, "failed requests at node 2");
        assertTrue(load.counts(cluster.node(1)).succeeded.get() >= 60, "node 1 served the load: " + load.counts(cluster.node(1)));
        assertEquals(Optional.of(0), exit, "the drained node's exit code");
        assertTrue(drainMillis < DRAIN_TIMEOUT.toMillis(), "drain took " + drainMillis + " ms");

        // The agent moved: two live links, none to the drained node.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<String> links = ClusterTestSupport.liveLinks(agent);
        while (System.nanoTime() < deadline && (links.size() < 2 || links.contains(draining.serverAddress()))) {
            ClusterTestSupport.sleep(200);
            links = ClusterTestSupport.liveLinks(agent);
        }
        assertEquals(2, links.size(), "the agent's live links: " + links);
        assertTrue(!links.contains(draining.serverAddress()), "no link to the drained node: " + links);
        ClusterTestSupport.awaitServing(List.of(cluster.node(1), cluster.node(2)), "drained", Duration.ofSeconds(5));
    }
}
