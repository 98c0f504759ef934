package dev.burrow.cluster;

import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.Upstream;
import dev.burrow.testsupport.cluster.EdgeCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Endpoint pooling: two agents of one tenant bind the same subdomain with --pooling on a 2-node cluster, each in front
 * of its own upstream; 100 requests spread over both nodes reach each upstream at least 30 times. A third agent
 * without --pooling is refused the name.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PoolingE2ETest {
    private Upstream first;
    private Upstream second;
    private EdgeCluster cluster;
    private AgentProcess agentA;
    private AgentProcess agentB;

    @AfterEach
    void stopAll() {
        Closeables.closeAll(agentA, agentB, cluster, first, second);
    }

    @Test
    void twoPoolingAgentsShareTheLoadAndANonPoolingBindIsRefused() throws Exception {
        first = Upstream.start();
        second = Upstream.start();
        cluster = EdgeCluster.start(2, "1s");
        agentA = AgentProcess.http(cluster.node(0), first.httpAddress()).subdomain("pool").name("agent-pool-a")
                .arg("--pooling").start();
        agentB = AgentProcess.http(cluster.node(1), second.httpAddress()).subdomain("pool").name("agent-pool-b")
                .arg("--pooling").start();
        ClusterTestSupport.awaitServing(cluster.nodes(), "pool", Duration.ofSeconds(20));

        for (int i = 0; i < 100; i++) {
            EdgeProcess node = cluster.node(i % 2);
            String response = ClusterTestSupport.get(node, "pool", "/echo?pool=" + i, Duration.ofSeconds(5));
            assertTrue(response.startsWith("HTTP/1.1 200"), "request " + i + ": " + response);
        }
        long a = first.requests().stream().filter(r -> r.uri().startsWith("/echo?pool=")).count();
        long b = second.requests().stream().filter(r -> r.uri().startsWith("/echo?pool=")).count();
        System.out.printf("pooling: agent A's upstream got %d, agent B's %d of 100%n", a, b);
        assertEquals(100, a + b);
        assertTrue(a >= 30 && b >= 30, "each pooled agent gets >= 30 %: " + a + " / " + b);

        try (AgentProcess notPooling = AgentProcess.http(cluster.node(0), first.httpAddress()).subdomain("pool")
                .name("agent-not-pooling").shortLived().launch()) {
            assertEquals(1, notPooling.awaitExit(Duration.ofSeconds(20)), "a non-pooling bind of a pooled name fails");
            String errors = String.join("\n", notPooling.errorLines()).toLowerCase(Locale.ROOT);
            assertTrue(errors.contains("in use") || errors.contains("already"), "the agent says the name is taken: " + errors);
        }
    }
}
