package dev.burrow.agent.cli;

import dev.burrow.policy.InProcessRateLimitCounters;
import dev.burrow.policy.PolicyCompiler;
import dev.burrow.policy.PolicyEnvironment;
import dev.burrow.policy.PolicyException;
import dev.burrow.policy.TrafficPolicy;

import java.io.PrintStream;

/** The edge's policy compiler, run in the agent: {@code burrow policy check/test}, and a policy file before it is sent. */
final class PolicyCheck {

    private PolicyCheck() {
    }

    /** Compiles as the edge would; the {@code log} action prints to {@code out} (null: nowhere). */
    static TrafficPolicy compile(String document, String source, PrintStream out) throws PolicyException {
        PolicyEnvironment offline = PolicyEnvironment.of(null, new InProcessRateLimitCounters(System::nanoTime),
                fields -> {
                    if (out != null) {
                        out.println("  log: " + fields);
                    }
                });
        return new PolicyCompiler(offline).compile(document, source);
    }

    static TrafficPolicy compile(String document, String source) throws PolicyException {
        return compile(document, source, null);
    }
}
