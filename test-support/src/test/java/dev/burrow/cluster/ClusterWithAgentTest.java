package dev.burrow.cluster;

import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.Upstream;
import dev.burrow.testsupport.cluster.EdgeCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * The fixture of the cluster tests about one agent: an upstream, a cluster of edge JVMs, and an HTTP agent that
 * dials node 0 first and forwards one name to the upstream; all stopped after each test, their logs attached to a
 * failure.
 */
@ExtendWith(ProcessLogsOnFailure.class)
abstract class ClusterWithAgentTest {
    Upstream upstream;
    EdgeCluster cluster;
    AgentProcess agent;

    @AfterEach
    void stopAll() {
        Closeables.closeAll(agent, cluster, upstream);
    }

    /**
     * Starts the upstream, the cluster ({@code startCluster}, e.g. {@code () -> EdgeCluster.start(3, "1s")}) and the
     * agent for {@code name}, and waits until the name serves through every node started.
     */
    void startClusterAndAgent(Supplier<EdgeCluster> startCluster, String name) {
        upstream = Upstream.start();
        cluster = startCluster.get();
        agent = AgentProcess.http(cluster.node(0), upstream.httpAddress()).subdomain(name).start();
        ClusterTestSupport.awaitServing(cluster.nodes(), name, Duration.ofSeconds(20));
    }
}
