package dev.burrow.policy.actions;

import dev.burrow.policy.PolicyException;
import dev.burrow.policy.Verdict;
import dev.burrow.policy.engine.EvaluationContext;
import dev.burrow.policy.engine.Phase;
import io.vertx.core.Future;

import java.util.List;

/** {@code remove-headers}: removes every header of each name, in any case, from the request or the response. */
final class RemoveHeadersAction implements Action {
    static final String TYPE = "remove-headers";

    private final List<String> names;
    private final boolean onResponse;

    private RemoveHeadersAction(List<String> names, boolean onResponse) {
        this.names = names;
        this.onResponse = onResponse;
    }

    static Action create(ActionConfig config) throws PolicyException {
        List<String> names = config.texts("headers", true);
        for (String name : names) {
            if (!HeaderNames.isToken(name)) {
                throw config.problem("headers", "'" + name + "' is not a valid header name");
            }
        }
        config.finish();
        return new RemoveHeadersAction(List.copyOf(names), config.phase() == Phase.RESPONSE);
    }

    @Override
    public Future<Verdict> run(EvaluationContext context) {
        for (String name : names) {
            if (onResponse) {
                context.response().removeHeader(name);
            } else {
                context.request().removeHeader(name);
            }
        }
        return Outcomes.PROCEED;
    }

    @Override
    public String type() {
        return TYPE;
    }
}
