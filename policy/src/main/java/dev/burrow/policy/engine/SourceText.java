package dev.burrow.policy.engine;

import dev.burrow.policy.PolicyException;

/** The document's name and text, to turn a node (and a column inside an expression) into {@code source:line:col}. */
public final class SourceText {
    private final String name;
    private final String[] lines;

    public SourceText(String name, String text) {
        this.name = name;
        this.lines = text.split("\r?\n", -1);
    }

    public String name() {
        return name;
    }

    public PolicyException problem(DocumentNode at, String what) {
        return new PolicyException(name, at == null ? 0 : at.line(), at == null ? 0 : at.column(), what);
    }

    public PolicyException problemAt(int[] lineColumn, String what) {
        return new PolicyException(name, lineColumn[0], lineColumn[1], what);
    }

    /**
     * A problem at a column of an expression written as one scalar: on the scalar's own line when the expression is
     * one line (skipping an opening quote), else at the scalar.
     */
    public PolicyException problemInScalar(DocumentNode at, int expressionLine, int expressionColumn, String what) {
        if (at == null || expressionLine != 1 || at.line() < 1 || at.line() > lines.length) {
            return problem(at, what);
        }
        String line = lines[at.line() - 1];
        int start = at.column() - 1;
        if (start >= 0 && start < line.length() && (line.charAt(start) == '"' || line.charAt(start) == '\'')) {
            start++;
        }
        return new PolicyException(name, at.line(), start + 1 + Math.max(expressionColumn, 0), what);
    }
}
