package dev.burrow.policy.engine;

import dev.cel.runtime.CelEvaluationException;

import java.util.List;

/**
 * A config value with {@code ${CEL}} parts, compiled once. A value without any is a constant and costs nothing to
 * render.
 */
public final class Template {
    private final String constant;
    private final List<Object> parts;

    Template(String constant, List<Object> parts) {
        this.constant = constant;
        this.parts = parts;
    }

    public static Template constant(String text) {
        return new Template(text, List.of());
    }

    public boolean isConstant() {
        return constant != null;
    }

    /** The constant text, or null if this template has expressions. */
    public String constantText() {
        return constant;
    }

    public String render(EvaluationContext context) throws CelEvaluationException {
        if (constant != null) {
            return constant;
        }
        StringBuilder out = new StringBuilder();
        for (Object part : parts) {
            if (part instanceof CompiledExpression expression) {
                out.append(expression.evaluateToText(context));
            } else {
                out.append((String) part);
            }
        }
        return out.toString();
    }
}
