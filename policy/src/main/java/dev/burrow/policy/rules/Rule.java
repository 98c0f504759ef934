package dev.burrow.policy.rules;

import dev.burrow.policy.actions.Action;
import dev.burrow.policy.engine.CompiledExpression;
import dev.burrow.policy.engine.EvaluationContext;

import java.util.List;

/** One rule of a phase: its name for the trail, its conditions (all must hold), its actions in order. */
record Rule(String name, List<CompiledExpression> conditions, List<Action> actions) {

    /**
     * Whether every condition holds. An expression that cannot be evaluated (a header map without the key, say) does
     * not hold; the reason goes to {@code failure}.
     */
    boolean matches(EvaluationContext context, StringBuilder failure) {
        for (CompiledExpression condition : conditions) {
            try {
                if (!condition.test(context)) {
                    return false;
                }
            } catch (Exception e) {
                failure.append("expression \"").append(condition.text()).append("\" failed: ").append(e.getMessage());
                return false;
            }
        }
        return true;
    }
}
