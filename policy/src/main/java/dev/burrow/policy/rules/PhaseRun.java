package dev.burrow.policy.rules;

import dev.burrow.policy.TrailEntry;
import dev.burrow.policy.Verdict;
import dev.burrow.policy.actions.Action;
import dev.burrow.policy.actions.Outcomes;
import dev.burrow.policy.engine.EvaluationContext;
import dev.burrow.policy.engine.Phase;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs the rules of one phase in order against one context, recording the trail. Actions that answer at once are run
 * in a plain loop; only an action whose future is still pending (a remote counter) makes the rest of the phase a
 * continuation of that future. The first terminating verdict ends the phase.
 */
final class PhaseRun {
    private final Phase phase;
    private final List<Rule> rules;
    private final EvaluationContext context;
    private int ruleIndex;
    private int actionIndex;
    private List<String> ran;

    PhaseRun(Phase phase, List<Rule> rules, EvaluationContext context) {
        this.phase = phase;
        this.rules = rules;
        this.context = context;
    }

    Future<Verdict> run() {
        while (ruleIndex < rules.size()) {
            Rule rule = rules.get(ruleIndex);
            if (ran == null && !startRule(rule)) {
                ruleIndex++;
                continue;
            }
            while (actionIndex < rule.actions().size()) {
                Action action = rule.actions().get(actionIndex++);
                Future<Verdict> outcome = action.run(context);
                if (!outcome.isComplete()) {
                    return outcome.compose(verdict -> afterAction(action, verdict), failure -> failed(action, failure));
                }
                if (outcome.failed()) {
                    return failed(action, outcome.cause());
                }
                Verdict verdict = outcome.result();
                record(action, verdict);
                if (verdict != Verdict.PROCEED) {
                    finishRule(rule);
                    return outcome;
                }
            }
            finishRule(rule);
            ruleIndex++;
        }
        return Outcomes.PROCEED;
    }

    private boolean startRule(Rule rule) {
        StringBuilder failure = new StringBuilder(0);
        if (!rule.matches(context, failure)) {
            List<String> notes = failure.length() == 0 ? List.of() : List.of(failure.toString());
            context.addTrail(new TrailEntry(phase.key(), rule.name(), false, notes));
            return false;
        }
        ran = new ArrayList<>(rule.actions().size());
        actionIndex = 0;
        return true;
    }

    private Future<Verdict> afterAction(Action action, Verdict verdict) {
        record(action, verdict);
        if (verdict != Verdict.PROCEED) {
            finishRule(rules.get(ruleIndex));
            return Future.succeededFuture(verdict);
        }
        return run();
    }

    private Future<Verdict> failed(Action action, Throwable failure) {
        ran.add(action.type() + ": failed: " + failure.getMessage());
        finishRule(rules.get(ruleIndex));
        return Future.failedFuture(failure);
    }

    private void record(Action action, Verdict verdict) {
        String detail = context.takeDetail();
        StringBuilder line = new StringBuilder(action.type());
        if (detail != null) {
            line.append(": ").append(detail);
        }
        if (verdict instanceof Verdict.Respond respond) {
            line.append(" -> ").append(respond.status());
        } else if (verdict instanceof Verdict.Close close) {
            line.append(" -> close (").append(close.reason()).append(')');
        }
        ran.add(line.toString());
    }

    private void finishRule(Rule rule) {
        context.addTrail(new TrailEntry(phase.key(), rule.name(), true, ran));
        ran = null;
    }
}
