package dev.burrow.policy;

/**
 * A policy that cannot be compiled: where (source, line and column, 1-based; 0 when unknown) and what to fix. Its
 * message reads {@code source:line:col: what}, as compilers print, so the agent can show it unchanged.
 */
public final class PolicyException extends Exception {
    private final String source;
    private final int line;
    private final int column;
    private final String problem;

    public PolicyException(String source, int line, int column, String problem) {
        super(source + ":" + line + ":" + column + ": " + problem);
        this.source = source;
        this.line = line;
        this.column = column;
        this.problem = problem;
    }

    public String source() {
        return source;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    public String problem() {
        return problem;
    }
}
