package dev.burrow.cluster;

import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Await;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.Upstream;
import dev.burrow.testsupport.cluster.EdgeCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A rolling deploy's first minutes: three nodes, each listing all three in {@code --cluster-members}, started one
 * after the other. The first, alone, is in the minority of its cluster: {@code /readyz} answers 503 saying so (a load
 * balancer sends no agent there), an agent that connects anyway is refused its endpoint for now and keeps running,
 * saying why on its status line, while an agent with a bad token still ends at once with exit code 1. Once the second
 * node joins, the first turns ready and the waiting agent binds its endpoint without a restart.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ClusterReadinessE2ETest {
    /** Hazelcast gives up looking for the listed members after 20 s; then a 2-core machine under load needs some more. */
    private static final Duration NODE_START = Duration.ofSeconds(90);
    /** The agent's backoff is capped at 30 s; a bind follows the next attempt once the node is in the majority. */
    private static final Duration BIND_AFTER_MAJORITY = Duration.ofSeconds(60);

    @Test
    void aNodeAloneIsNotReadyAndItsAgentWaitsForTheMajorityInsteadOfExiting() throws Exception {
        EdgeCluster cluster = EdgeCluster.planEveryMemberListed(3, "1s");
        Upstream upstream = Upstream.start();
        AgentProcess waiting = null;
        try {
            EdgeProcess first = cluster.startNode(0);
            String alone = answeredReadiness(first);
            assertTrue(alone.startsWith("503 "), "a node alone among 3 configured members must not be ready: " + alone);
            assertTrue(alone.contains("minority") && alone.contains("1 of 3"), "/readyz says why: " + alone);

            waiting = AgentProcess.http(first, upstream.httpAddress()).name("agent-waits-for-majority")
                    .subdomain("rolling").arg("--links", "1").launch();
            AgentProcess agent = waiting;
            Await.until(() -> agent.process().output().stream().anyMatch(l -> l.text().contains("cut off from the majority")),
                    Duration.ofSeconds(45), Duration.ofMillis(100),
                    () -> "the agent did not say why its endpoint waits:\n" + agent.process().tail(20));
            ClusterTestSupport.sleep(1_000);
            assertTrue(agent.isAlive(), "a temporary refusal must not end the agent:\n" + agent.process().tail(20));
            assertEquals(List.of(), agent.errorLines(), "no ERROR: line for a temporary refusal");

            try (AgentProcess badToken = AgentProcess.http(first, upstream.httpAddress()).name("agent-bad-token")
                    .authtoken("not-a-token-" + System.nanoTime()).shortLived().launch()) {
                assertEquals(1, badToken.awaitExit(Duration.ofSeconds(30)), "a bad token still ends the agent:\n"
                        + badToken.process().tail(20));
            }

            long secondStarting = System.nanoTime();
            cluster.startNode(1);
            long secondUp = System.nanoTime();
            Await.until(() -> first.readyStatus() == 200, Duration.ofSeconds(60), Duration.ofMillis(100),
                    () -> "the first node did not turn ready once in the majority: " + first.readiness());
            long ready = System.nanoTime();
            agent.awaitForwarding(BIND_AFTER_MAJORITY);
            long bound = System.nanoTime();
            assertEquals(first.publicHttpUrl("rolling"), agent.publicUrl());
            ClusterTestSupport.awaitServing(List.of(first), "rolling", Duration.ofSeconds(10));
            assertTrue(agent.isAlive());
            System.out.printf("readiness: the second node started in %d ms; the first was ready %d ms after, and the "
                            + "waiting agent bound %d ms after that%n", (secondUp - secondStarting) / 1_000_000,
                    (ready - secondUp) / 1_000_000, (bound - ready) / 1_000_000);
        } finally {
            Closeables.closeAll(waiting, cluster, upstream);
        }
    }

    /** {@code /readyz} as "STATUS BODY", asked again while it does not answer within its 2 s (a loaded machine). */
    private static String answeredReadiness(EdgeProcess node) {
        String[] last = {""};
        Await.until(() -> !(last[0] = node.readiness()).startsWith("-1"), Duration.ofSeconds(30), Duration.ofMillis(200),
                () -> "/readyz never answered: " + last[0]);
        return last[0];
    }
}
