package dev.burrow.policy.engine;

import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.Program;

/** A CEL expression checked and planned once, evaluated per connection or exchange. */
public final class CompiledExpression {
    private final String text;
    private final Program program;
    private final boolean readsExchange;

    CompiledExpression(String text, Program program, boolean readsExchange) {
        this.text = text;
        this.program = program;
        this.readsExchange = readsExchange;
    }

    public String text() {
        return text;
    }

    public Object evaluate(EvaluationContext context) throws CelEvaluationException {
        return readsExchange ? program.eval(context, context.functions()) : program.eval(context);
    }

    /** A condition's value; an expression that fails to evaluate (a missing map key, say) is not true. */
    public boolean test(EvaluationContext context) throws CelEvaluationException {
        return Boolean.TRUE.equals(evaluate(context));
    }

    /** The value as text, as {@code ${...}} interpolation writes it. */
    public String evaluateToText(EvaluationContext context) throws CelEvaluationException {
        return CelValues.toText(evaluate(context));
    }
}
