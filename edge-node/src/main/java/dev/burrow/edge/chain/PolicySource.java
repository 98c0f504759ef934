package dev.burrow.edge.chain;

import dev.burrow.policy.PolicyException;
import dev.burrow.policy.TrafficPolicy;

/** Turns an endpoint's policy document into a compiled policy: the policy engine's compiler, or a test's own. */
@FunctionalInterface
public interface PolicySource {

    TrafficPolicy compile(String document, String source) throws PolicyException;
}
