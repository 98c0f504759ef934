package dev.burrow.conformance;

import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Await;

import java.time.Duration;

/** What the conformance classes need of their agent beyond {@link AgentProcess}. */
final class ConformanceAgents {

    private ConformanceAgents() {
    }

    /**
     * {@code start()} returns at the first {@code Forwarding} line; a case must not reach an endpoint the agent has
     * not bound yet. Waits for {@code endpoints} distinct ones.
     */
    static void awaitEveryEndpoint(AgentProcess agent, int endpoints) {
        Await.until(() -> agent.process().stdoutLines().stream()
                        .filter(l -> AgentProcess.FORWARDING_LINE.matcher(l).find()).distinct().count() >= endpoints,
                Duration.ofSeconds(60), Duration.ofMillis(50),
                () -> "the agent did not forward all " + endpoints + " endpoints:\n" + agent.process().tail(20));
    }
}
