package dev.burrow.policy.actions;

import dev.burrow.policy.PolicyException;
import dev.burrow.policy.Verdict;
import dev.burrow.policy.engine.EvaluationContext;
import dev.burrow.policy.engine.Phase;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.Future;

import java.util.List;

/** {@code deny}: answers {@code status_code} (403 by default); on a TCP connection, closes it. */
final class DenyAction implements Action {
    static final String TYPE = "deny";
    private final Future<Verdict> verdict;

    private DenyAction(Future<Verdict> verdict) {
        this.verdict = verdict;
    }

    static Action create(ActionConfig config) throws PolicyException {
        int status = (int) config.integer("status_code", 403, 100, 599);
        config.finish();
        if (config.phase() == Phase.CONNECT) {
            return new DenyAction(Future.succeededFuture(new Verdict.Close(TYPE, "denied by policy")));
        }
        return new DenyAction(Outcomes.plain(status, status + " " + HttpResponseStatus.valueOf(status).reasonPhrase(),
                TYPE, List.of()));
    }

    @Override
    public Future<Verdict> run(EvaluationContext context) {
        return verdict;
    }

    @Override
    public String type() {
        return TYPE;
    }
}
