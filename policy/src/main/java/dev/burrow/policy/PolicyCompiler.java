package dev.burrow.policy;

import dev.burrow.policy.rules.DocumentCompiler;

/**
 * Turns a policy document (ngrok's Traffic Policy, YAML or JSON) into a {@link TrafficPolicy}: parsed, every CEL
 * expression type-checked and every action's config validated, once, when an endpoint is bound. An action Burrow does
 * not implement is refused by name. {@code source} names the document in error messages (a file name, or
 * "traffic_policy of endpoint X").
 */
public final class PolicyCompiler {
    private final PolicyEnvironment environment;

    public PolicyCompiler(PolicyEnvironment environment) {
        this.environment = environment;
    }

    public TrafficPolicy compile(String document, String source) throws PolicyException {
        if (document == null || document.isBlank()) {
            return TrafficPolicy.none();
        }
        return new DocumentCompiler(environment).compile(document, source);
    }

    PolicyEnvironment environment() {
        return environment;
    }
}
