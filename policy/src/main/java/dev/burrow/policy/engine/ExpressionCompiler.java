package dev.burrow.policy.engine;

import dev.burrow.policy.PolicyException;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerBuilder;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Compiles the CEL of a policy document: conditions (must be bool) and values (any type, for {@code ${...}} and
 * {@code bucket_key}), with the variables and functions of the phase they are written in, so a response variable in
 * a request rule is refused when the policy is compiled. Errors point at the expression's place in the document.
 */
public final class ExpressionCompiler {
    private static final CelOptions OPTIONS = CelOptions.current().build();
    private static final Map<Phase, CelCompiler> CONDITIONS = new EnumMap<>(Phase.class);
    private static final Map<Phase, CelCompiler> VALUES = new EnumMap<>(Phase.class);
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder()
            .setOptions(OPTIONS)
            .addLibraries(CelExtensions.strings(), CelExtensions.math())
            .addFunctionBindings(PolicyFunctions.pureBindings())
            .build();

    static {
        for (Phase phase : Phase.values()) {
            CONDITIONS.put(phase, builder(phase).setResultType(SimpleType.BOOL).build());
            VALUES.put(phase, builder(phase).build());
        }
    }

    private final SourceText source;

    public ExpressionCompiler(SourceText source) {
        this.source = source;
    }

    public SourceText source() {
        return source;
    }

    public CompiledExpression condition(String text, DocumentNode at, Phase phase) throws PolicyException {
        return compile(CONDITIONS.get(phase), text, at, 0, phase);
    }

    public CompiledExpression value(String text, DocumentNode at, Phase phase) throws PolicyException {
        return compile(VALUES.get(phase), text, at, 0, phase);
    }

    /** A config string with {@code ${CEL}} parts; text without "${" is a constant. */
    public Template template(String text, DocumentNode at, Phase phase) throws PolicyException {
        if (!text.contains("${")) {
            return Template.constant(text);
        }
        List<Object> parts = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int open = text.indexOf("${", i);
            if (open < 0) {
                parts.add(text.substring(i));
                break;
            }
            if (open > i) {
                parts.add(text.substring(i, open));
            }
            int close = closingBrace(text, open + 2);
            if (close < 0) {
                throw source.problem(at, "'${' at character " + (open + 1) + " of \"" + text + "\" is never closed with '}'");
            }
            parts.add(compile(VALUES.get(phase), text.substring(open + 2, close), at, open + 2, phase));
            i = close + 1;
        }
        return new Template(null, List.copyOf(parts));
    }

    /** Finds the '}' that closes an interpolation, skipping braces inside CEL string literals and map literals. */
    private static int closingBrace(String text, int from) {
        int depth = 0;
        char quote = 0;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '{') {
                depth++;
            } else if (c == '}') {
                if (depth == 0) {
                    return i;
                }
                depth--;
            }
        }
        return -1;
    }

    private CompiledExpression compile(CelCompiler compiler, String text, DocumentNode at, int offset, Phase phase)
            throws PolicyException {
        try {
            CelAbstractSyntaxTree ast = compiler.compile(text).getAst();
            return new CompiledExpression(text, RUNTIME.createProgram(ast), PolicyFunctions.callsExchangeFunction(ast));
        } catch (CelValidationException e) {
            CelIssue issue = e.getErrors().get(0);
            int celLine = issue.getSourceLocation().getLine();
            int celColumn = issue.getSourceLocation().getColumn();
            String what = "in expression \"" + text + "\": " + issue.getMessage() + hint(issue.getMessage(), phase);
            throw source.problemInScalar(at, celLine, offset + celColumn, what);
        } catch (CelEvaluationException e) {
            throw source.problem(at, "in expression \"" + text + "\": " + e.getMessage());
        }
    }

    private static String hint(String message, Phase phase) {
        if (!message.contains("undeclared reference")) {
            return "";
        }
        StringBuilder names = new StringBuilder();
        for (PolicyVariables.Variable variable : PolicyVariables.all()) {
            if (variable.phases().contains(phase)) {
                names.append(names.length() == 0 ? "" : ", ").append(variable.name());
            }
        }
        return " (variables in " + phase.key() + ": " + names + ")";
    }

    private static CelCompilerBuilder builder(Phase phase) {
        CelCompilerBuilder builder = CelCompilerFactory.standardCelCompilerBuilder()
                .setOptions(OPTIONS)
                .addLibraries(CelExtensions.strings(), CelExtensions.math())
                .addFunctionDeclarations(PolicyFunctions.declarations(phase));
        for (PolicyVariables.Variable variable : PolicyVariables.all()) {
            if (variable.phases().contains(phase)) {
                builder.addVar(variable.name(), variable.type());
            }
        }
        return builder;
    }
}
