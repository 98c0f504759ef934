package dev.burrow.policy.actions;

import dev.burrow.policy.Verdict;
import dev.burrow.policy.engine.EvaluationContext;
import io.vertx.core.Future;

/**
 * One configured action of a rule, built once from its config when the policy is compiled. {@link #run} returns
 * {@link Verdict#PROCEED} to let the next action run, or a terminating verdict that ends the phase. Most actions
 * answer at once (an already-completed future); only those that ask a counter may wait.
 */
public interface Action {

    Future<Verdict> run(EvaluationContext context);

    /** The action's type as the document names it ({@code add-headers}). */
    String type();

    /** Releases what the action holds beyond memory (clients, timers) when its policy is replaced or its endpoint goes. */
    default void close() {
    }
}
