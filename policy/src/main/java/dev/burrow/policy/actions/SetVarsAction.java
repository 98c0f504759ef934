package dev.burrow.policy.actions;

import dev.burrow.policy.PolicyException;
import dev.burrow.policy.Verdict;
import dev.burrow.policy.engine.DocumentNode;
import dev.burrow.policy.engine.EvaluationContext;
import dev.burrow.policy.engine.Template;
import dev.cel.runtime.CelEvaluationException;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code set-vars}: sets {@code vars.<name>} for the rest of the connection or exchange. {@code vars} is a list of
 * one-entry maps (ngrok's shape) or one map; a text value may use ${CEL}, numbers and booleans stay what they are.
 */
final class SetVarsAction implements Action {
    static final String TYPE = "set-vars";

    private final List<Map.Entry<String, Object>> assignments;

    private SetVarsAction(List<Map.Entry<String, Object>> assignments) {
        this.assignments = assignments;
    }

    static Action create(ActionConfig config) throws PolicyException {
        DocumentNode vars = config.node("vars");
        if (vars == null || vars.isNull()) {
            throw config.problem("vars", "is required");
        }
        List<DocumentNode> maps = vars.isArray() ? vars.items() : List.of(vars);
        List<Map.Entry<String, Object>> assignments = new ArrayList<>();
        for (DocumentNode map : maps) {
            if (!map.isObject()) {
                throw config.problem(map, "vars: each item is a map of name to value, not " + map.describe());
            }
            for (Map.Entry<String, DocumentNode> entry : map.fields().entrySet()) {
                DocumentNode value = entry.getValue();
                if (value.kind() != DocumentNode.Kind.SCALAR) {
                    throw config.problem(value, "vars." + entry.getKey() + " must be text, a number or a boolean");
                }
                Object compiled = value.isText()
                        ? config.expressions().template((String) value.scalar(), value, config.phase())
                        : value.scalar();
                assignments.add(Map.entry(entry.getKey(), compiled));
            }
        }
        config.finish();
        return new SetVarsAction(List.copyOf(assignments));
    }

    @Override
    public Future<Verdict> run(EvaluationContext context) {
        try {
            for (Map.Entry<String, Object> assignment : assignments) {
                Object value = assignment.getValue();
                context.vars().put(assignment.getKey(),
                        value instanceof Template template ? template.render(context) : value);
            }
            return Outcomes.PROCEED;
        } catch (CelEvaluationException e) {
            return Future.failedFuture(e);
        }
    }

    @Override
    public String type() {
        return TYPE;
    }
}
