package dev.burrow.policy.rules;

import dev.burrow.policy.PolicyEnvironment;
import dev.burrow.policy.PolicyException;
import dev.burrow.policy.TlsTermination;
import dev.burrow.policy.TrafficPolicy;
import dev.burrow.policy.actions.TerminateTlsAction;
import dev.burrow.policy.actions.Action;
import dev.burrow.policy.actions.ActionCatalog;
import dev.burrow.policy.actions.ActionConfig;
import dev.burrow.policy.engine.CompiledExpression;
import dev.burrow.policy.engine.DocumentNode;
import dev.burrow.policy.engine.DocumentReader;
import dev.burrow.policy.engine.ExpressionCompiler;
import dev.burrow.policy.engine.Phase;
import dev.burrow.policy.engine.SourceText;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Compiles a policy document: the shape checked key by key (unknown phases and keys refused), every expression
 * type-checked, every action built from its validated config. All complaints carry {@code source:line:col}.
 */
public final class DocumentCompiler {
    private static final Set<String> RULE_KEYS = Set.of("name", "expressions", "actions");
    private static final Set<String> ACTION_KEYS = Set.of("type", "config");
    private static final Map<String, String> OLD_PHASE_NAMES = Map.of(
            "inbound", "on_http_request", "outbound", "on_http_response");

    private final PolicyEnvironment environment;

    public DocumentCompiler(PolicyEnvironment environment) {
        this.environment = environment;
    }

    public TrafficPolicy compile(String document, String sourceName) throws PolicyException {
        SourceText source = new SourceText(sourceName, document);
        DocumentNode root = new DocumentReader(sourceName).read(document);
        if (root.isNull()) {
            return TrafficPolicy.none();
        }
        if (!root.isObject()) {
            throw source.problem(root, "a traffic policy is a map of phases (" + phaseNames() + "), not " + root.describe());
        }
        ExpressionCompiler expressions = new ExpressionCompiler(source);
        String documentKey = digest(document);
        Map<Phase, List<Rule>> phases = new EnumMap<>(Phase.class);
        for (Map.Entry<String, DocumentNode> entry : root.fields().entrySet()) {
            Phase phase = Phase.byKey(entry.getKey());
            if (phase == null) {
                String old = OLD_PHASE_NAMES.get(entry.getKey());
                throw source.problemAt(root.keyLocation(entry.getKey()), "unknown phase '" + entry.getKey() + "'"
                        + (old == null ? "" : " (ngrok's old name; write " + old + ")") + "; phases: " + phaseNames());
            }
            phases.put(phase, rules(entry.getValue(), phase, expressions, documentKey));
        }
        List<Rule> connect = phases.getOrDefault(Phase.CONNECT, List.of());
        CompiledPolicy policy = new CompiledPolicy(connect, phases.getOrDefault(Phase.REQUEST, List.of()),
                phases.getOrDefault(Phase.RESPONSE, List.of()), tlsTermination(connect));
        return policy.isEmpty() ? TrafficPolicy.none() : policy;
    }

    /**
     * The one {@code terminate-tls} of the connect phase, or null. The handshake it shapes comes before any rule runs,
     * so its rule may not have expressions, and a second one could never be told apart from the first.
     */
    private static TlsTermination tlsTermination(List<Rule> connect) throws PolicyException {
        TlsTermination found = null;
        for (Rule rule : connect) {
            for (Action action : rule.actions()) {
                if (action instanceof TerminateTlsAction terminate) {
                    TlsTermination termination = terminate.termination();
                    if (!rule.conditions().isEmpty()) {
                        throw termination.problem("the rule " + rule.name() + " has expressions, but the TLS handshake "
                                + "happens before any expression can be evaluated; put terminate-tls in a rule of its own without expressions");
                    }
                    if (found != null) {
                        throw termination.problem("a policy has at most one terminate-tls action");
                    }
                    found = termination;
                }
            }
        }
        return found;
    }

    private List<Rule> rules(DocumentNode list, Phase phase, ExpressionCompiler expressions, String documentKey)
            throws PolicyException {
        SourceText source = expressions.source();
        if (list.isNull()) {
            return List.of();
        }
        if (!list.isArray()) {
            throw source.problem(list, phase.key() + " must be a list of rules, not " + list.describe());
        }
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < list.items().size(); i++) {
            rules.add(rule(list.items().get(i), i, phase, expressions, documentKey));
        }
        return rules;
    }

    private Rule rule(DocumentNode node, int index, Phase phase, ExpressionCompiler expressions, String documentKey)
            throws PolicyException {
        SourceText source = expressions.source();
        if (!node.isObject()) {
            throw source.problem(node, "a rule is a map with name, expressions and actions, not " + node.describe());
        }
        refuseUnknownKeys(node, RULE_KEYS, "rule", source);
        DocumentNode nameNode = node.field("name");
        String name = nameNode == null || nameNode.isNull() ? "#" + (index + 1) : String.valueOf(nameNode.scalar());
        List<CompiledExpression> conditions = new ArrayList<>();
        for (DocumentNode expression : listOf(node.field("expressions"), "expressions", source)) {
            if (!expression.isText()) {
                throw source.problem(expression, "each expression is CEL text, not " + expression.describe());
            }
            conditions.add(expressions.condition((String) expression.scalar(), expression, phase));
        }
        List<DocumentNode> actionNodes = listOf(node.field("actions"), "actions", source);
        if (actionNodes.isEmpty()) {
            throw source.problem(node, "rule " + name + " has no actions");
        }
        List<Action> actions = new ArrayList<>();
        for (int j = 0; j < actionNodes.size(); j++) {
            actions.add(action(actionNodes.get(j), phase, expressions,
                    documentKey + "/" + phase.key() + "/" + index + "/" + j));
        }
        return new Rule(name, List.copyOf(conditions), List.copyOf(actions));
    }

    private Action action(DocumentNode node, Phase phase, ExpressionCompiler expressions, String positionKey)
            throws PolicyException {
        SourceText source = expressions.source();
        if (!node.isObject()) {
            throw source.problem(node, "an action is a map with type and config, not " + node.describe());
        }
        refuseUnknownKeys(node, ACTION_KEYS, "action", source);
        DocumentNode typeNode = node.field("type");
        if (typeNode == null || !typeNode.isText()) {
            throw source.problem(typeNode == null ? node : typeNode, "an action needs a type (text)");
        }
        String type = (String) typeNode.scalar();
        ActionCatalog.Entry entry = ActionCatalog.byType(type);
        if (entry == null) {
            throw source.problem(typeNode, "action '" + type + "' is not supported by Burrow; supported: "
                    + ActionCatalog.supportedTypes());
        }
        if (!entry.phases().contains(phase)) {
            throw source.problem(typeNode, "action '" + type + "' cannot run in " + phase.key() + "; it runs in "
                    + entry.phases().stream().map(Phase::key).collect(Collectors.joining(", ")));
        }
        ActionConfig config = new ActionConfig(type, node.field("config"), node, phase, expressions, environment,
                positionKey);
        return entry.factory().create(config);
    }

    private static List<DocumentNode> listOf(DocumentNode node, String key, SourceText source) throws PolicyException {
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw source.problem(node, key + " must be a list, not " + node.describe());
        }
        return node.items();
    }

    private static void refuseUnknownKeys(DocumentNode node, Set<String> known, String what, SourceText source)
            throws PolicyException {
        for (String key : node.fields().keySet()) {
            if (!known.contains(key)) {
                throw source.problemAt(node.keyLocation(key), "unknown key '" + key + "' in " + what + " (known: "
                        + known.stream().sorted().collect(Collectors.joining(", ")) + ")");
            }
        }
    }

    private static String phaseNames() {
        return java.util.Arrays.stream(Phase.values()).map(Phase::key).collect(Collectors.joining(", "));
    }

    private static String digest(String document) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(document.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }
}
