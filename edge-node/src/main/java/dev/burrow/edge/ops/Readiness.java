package dev.burrow.edge.ops;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Whether this node can serve now: accept agents and bind endpoints. Each check names what it looks at and answers
 * null when it holds, or a sentence saying what is wrong; {@code /readyz} is 200 only when every check holds, and
 * otherwise lists every failing one. Checks are read on the ops server's event loop: each must be a cheap read of state
 * kept current elsewhere, never a call that blocks.
 */
public final class Readiness {
    private final Map<String, Supplier<String>> checks = new LinkedHashMap<>();

    /** Adds a check; {@code problem} returns null when it holds. */
    public Readiness check(String name, Supplier<String> problem) {
        checks.put(name, problem);
        return this;
    }

    /** The failing checks' sentences, in the order the checks were added; empty when the node is ready. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        for (Supplier<String> check : checks.values()) {
            String problem = check.get();
            if (problem != null) {
                problems.add(problem);
            }
        }
        return problems;
    }

    /** Null when ready, else every problem, separated by "; ". */
    public String notReadyReason() {
        List<String> problems = problems();
        return problems.isEmpty() ? null : String.join("; ", problems);
    }

    /** A check that fails with {@code sentence} while {@code holds} is false. */
    public static Supplier<String> unless(java.util.function.BooleanSupplier holds, String sentence) {
        return () -> holds.getAsBoolean() ? null : sentence;
    }
}
