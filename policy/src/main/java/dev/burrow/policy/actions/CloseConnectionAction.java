package dev.burrow.policy.actions;

import dev.burrow.policy.PolicyException;
import dev.burrow.policy.Verdict;
import dev.burrow.policy.engine.EvaluationContext;
import io.vertx.core.Future;

/** {@code close-connection}: closes the client's connection without an answer. */
final class CloseConnectionAction implements Action {
    static final String TYPE = "close-connection";
    private static final Future<Verdict> CLOSE = Future.succeededFuture(new Verdict.Close(TYPE, "closed by policy"));

    static Action create(ActionConfig config) throws PolicyException {
        config.finish();
        return new CloseConnectionAction();
    }

    @Override
    public Future<Verdict> run(EvaluationContext context) {
        return CLOSE;
    }

    @Override
    public String type() {
        return TYPE;
    }
}
