package dev.burrow.edge.chain;

import dev.burrow.policy.Verdict;
import io.vertx.core.Future;

/**
 * One step of the request phase: every HTTP exchange passes it once, after its endpoint is known and before anything
 * reaches the agent. Edit {@link Exchange#forwardHeaders()} (what the agent will receive), or end the exchange with a
 * {@link Verdict.Respond} (the edge answers) or {@link Verdict.Close}. Answer {@link Chains#PROCEED} to go on.
 */
public interface RequestModule {

    Future<Verdict> onRequest(Exchange exchange);
}
