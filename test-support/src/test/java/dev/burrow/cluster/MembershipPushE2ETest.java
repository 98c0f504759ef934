package dev.burrow.cluster;

import dev.burrow.testsupport.Await;
import dev.burrow.testsupport.cluster.EdgeCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Membership pushed to agents ({@code edge_nodes}): a 2-link agent linked to a lone node keeps one link (there is no
 * other node); a second node joins the cluster; the first node tells the agent, which opens its second link to the
 * new node without a restart. Killing the first node then proves the new link serves the endpoint on its own.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MembershipPushE2ETest extends ClusterWithAgentTest {
    @Test
    void anAgentLinksToANodeThatJoinsLater() {
        startClusterAndAgent(() -> EdgeCluster.start(2, 1, "1s"), "joiner");
        ClusterTestSupport.sleep(1_000);
        assertEquals(List.of(cluster.node(0).serverAddress()), ClusterTestSupport.liveLinks(agent),
                "a lone node: one link, the second slot has nowhere to go");

        long t0 = System.nanoTime();
        cluster.startNode(1);
        long joined = System.nanoTime();
        Await.until(() -> ClusterTestSupport.liveLinks(agent).contains(cluster.node(1).serverAddress()),
                Duration.ofSeconds(20), Duration.ofMillis(50),
                () -> "the agent did not link to the node that joined; its links: " + ClusterTestSupport.liveLinks(agent));
        long linked = System.nanoTime();
        System.out.printf("membership push: node1 started in %d ms; the agent linked to it %d ms after%n",
                (joined - t0) / 1_000_000, (linked - joined) / 1_000_000);
        assertEquals(2, ClusterTestSupport.liveLinks(agent).size(), "links: " + ClusterTestSupport.liveLinks(agent));
        ClusterTestSupport.awaitServing(cluster.nodes(), "joiner", Duration.ofSeconds(10));

        cluster.node(0).kill();
        ClusterTestSupport.awaitServing(List.of(cluster.node(1)), "joiner", Duration.ofSeconds(10));
    }
}
