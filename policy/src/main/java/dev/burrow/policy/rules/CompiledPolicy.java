package dev.burrow.policy.rules;

import dev.burrow.policy.ConnectionFacts;
import dev.burrow.policy.PolicyExchange;
import dev.burrow.policy.PolicyRequest;
import dev.burrow.policy.TlsTermination;
import dev.burrow.policy.TrailEntry;
import dev.burrow.policy.TrafficPolicy;
import dev.burrow.policy.Verdict;
import dev.burrow.policy.actions.Action;
import dev.burrow.policy.actions.Outcomes;
import dev.burrow.policy.engine.EvaluationContext;
import dev.burrow.policy.engine.Phase;
import io.vertx.core.Future;

import java.util.List;

/** A compiled policy: the rules of each phase, immutable and shared by every connection of the endpoint. */
final class CompiledPolicy implements TrafficPolicy {
    private final List<Rule> connect;
    private final List<Rule> request;
    private final List<Rule> response;
    private final TlsTermination tlsTermination;

    CompiledPolicy(List<Rule> connect, List<Rule> request, List<Rule> response, TlsTermination tlsTermination) {
        this.connect = List.copyOf(connect);
        this.request = List.copyOf(request);
        this.response = List.copyOf(response);
        this.tlsTermination = tlsTermination;
    }

    @Override
    public TlsTermination tlsTermination() {
        return tlsTermination;
    }

    @Override
    public boolean isEmpty() {
        return connect.isEmpty() && request.isEmpty() && response.isEmpty();
    }

    @Override
    public Future<Verdict> onTcpConnect(ConnectionFacts connection) {
        return onTcpConnect(connection, null);
    }

    @Override
    public Future<Verdict> onTcpConnect(ConnectionFacts connection, List<TrailEntry> trail) {
        if (connect.isEmpty()) {
            return Outcomes.PROCEED;
        }
        EvaluationContext context = new EvaluationContext(connection, null);
        Future<Verdict> verdict = new PhaseRun(Phase.CONNECT, connect, context).run()
                .recover(failure -> Future.succeededFuture(
                        new Verdict.Close("policy", "policy evaluation failed: " + failure.getMessage())));
        if (trail == null) {
            return verdict;
        }
        if (verdict.isComplete()) {
            trail.addAll(context.trail());
            return verdict;
        }
        return verdict.andThen(done -> trail.addAll(context.trail()));
    }

    @Override
    public PolicyExchange newExchange(ConnectionFacts connection, PolicyRequest head) {
        return new ExchangeRun(this, new EvaluationContext(connection, head));
    }

    @Override
    public void close() {
        for (List<Rule> phase : List.of(connect, request, response)) {
            for (Rule rule : phase) {
                rule.actions().forEach(Action::close);
            }
        }
    }

    List<Rule> requestRules() {
        return request;
    }

    List<Rule> responseRules() {
        return response;
    }
}
