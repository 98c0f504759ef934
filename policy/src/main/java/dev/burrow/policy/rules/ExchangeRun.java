package dev.burrow.policy.rules;

import dev.burrow.policy.PolicyExchange;
import dev.burrow.policy.PolicyResponse;
import dev.burrow.policy.ResponseBodyEncoder;
import dev.burrow.policy.TrailEntry;
import dev.burrow.policy.Verdict;
import dev.burrow.policy.VisitorIdentity;
import dev.burrow.policy.actions.Outcomes;
import dev.burrow.policy.engine.EvaluationContext;
import dev.burrow.policy.engine.Phase;
import io.vertx.core.Future;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One HTTP exchange under a compiled policy. A phase whose evaluation fails (a counter store unreachable, an
 * interpolation that cannot be evaluated) answers 503 rather than letting the request through unchecked.
 */
final class ExchangeRun implements PolicyExchange {
    private final CompiledPolicy policy;
    private final EvaluationContext context;

    ExchangeRun(CompiledPolicy policy, EvaluationContext context) {
        this.policy = policy;
        this.context = context;
    }

    @Override
    public Future<Verdict> onRequest() {
        if (policy.requestRules().isEmpty()) {
            return Outcomes.PROCEED;
        }
        return new PhaseRun(Phase.REQUEST, policy.requestRules(), context).run()
                .recover(failure -> Future.succeededFuture(unavailable(failure)));
    }

    @Override
    public Verdict onResponse(PolicyResponse response) {
        context.setResponse(response);
        context.notifyResponse(response);
        if (policy.responseRules().isEmpty()) {
            return Verdict.PROCEED;
        }
        Future<Verdict> outcome = new PhaseRun(Phase.RESPONSE, policy.responseRules(), context).run();
        if (!outcome.isComplete()) {
            return unavailable(new IllegalStateException("a response-phase action did not answer at once"));
        }
        return outcome.succeeded() ? outcome.result() : unavailable(outcome.cause());
    }

    @Override
    public ResponseBodyEncoder responseBodyEncoder() {
        return context.responseBodyEncoder();
    }

    @Override
    public VisitorIdentity visitorIdentity() {
        return context.visitorIdentity();
    }

    @Override
    public List<TrailEntry> trail() {
        return context.trail();
    }

    private static Verdict unavailable(Throwable failure) {
        return new Verdict.Respond(503, List.of(Map.entry("Content-Type", "text/plain; charset=utf-8")),
                "503 Service Unavailable: the endpoint's traffic policy could not be evaluated\n"
                        .getBytes(StandardCharsets.UTF_8), "policy");
    }
}
