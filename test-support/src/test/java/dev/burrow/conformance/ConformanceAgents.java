package dev.burrow.conformance;

import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Await;

import java.time.Duration;

/** What the conformance classes share about their edge and agent beyond {@link AgentProcess}. */
final class ConformanceAgents {

    /**
     * Each class starts an edge, an agent and up to four other servers at once; on a 2-core machine shared with other
     * builds the edge alone was seen to need more than the harness's default of 60 s.
     */
    static final Duration START_TIMEOUT = Duration.ofSeconds(150);

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
