package dev.burrow.policy.actions;

import dev.burrow.policy.PolicyEnvironment;
import dev.burrow.policy.PolicyException;
import dev.burrow.policy.engine.DocumentNode;
import dev.burrow.policy.engine.ExpressionCompiler;
import dev.burrow.policy.engine.Phase;
import dev.burrow.policy.engine.Template;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An action's {@code config} map as its factory reads it: typed getters that refuse a wrong type or range with the
 * place in the document, and {@link #finish()} that refuses any key the action did not read.
 */
public final class ActionConfig {
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    private final String type;
    private final DocumentNode config;
    private final DocumentNode actionNode;
    private final Phase phase;
    private final ExpressionCompiler expressions;
    private final PolicyEnvironment environment;
    private final String positionKey;
    private final Set<String> read = new HashSet<>();

    public ActionConfig(String type, DocumentNode config, DocumentNode actionNode, Phase phase,
                        ExpressionCompiler expressions, PolicyEnvironment environment, String positionKey) {
        this.type = type;
        this.config = config;
        this.actionNode = actionNode;
        this.phase = phase;
        this.expressions = expressions;
        this.environment = environment;
        this.positionKey = positionKey;
    }

    public String type() {
        return type;
    }

    public Phase phase() {
        return phase;
    }

    public ExpressionCompiler expressions() {
        return expressions;
    }

    public PolicyEnvironment environment() {
        return environment;
    }

    /** Names this action's place in the policy, the same on every node that compiles the same document. */
    public String positionKey() {
        return positionKey;
    }

    public boolean has(String key) {
        read.add(key);
        return config != null && config.isObject() && config.field(key) != null && !config.field(key).isNull();
    }

    public DocumentNode node(String key) {
        read.add(key);
        return config == null || !config.isObject() ? null : config.field(key);
    }

    /** The place of {@code key}'s value, or of the action when it has no such key. */
    public DocumentNode at(String key) {
        DocumentNode value = node(key);
        return value != null ? value : config != null ? config : actionNode;
    }

    public PolicyException problem(String key, String what) {
        return expressions.source().problem(at(key), type + " " + key + ": " + what);
    }

    public PolicyException problem(DocumentNode at, String what) {
        return expressions.source().problem(at, type + ": " + what);
    }

    public String text(String key, String fallback) throws PolicyException {
        DocumentNode value = node(key);
        if (value == null || value.isNull()) {
            if (fallback == null) {
                throw problem(key, "is required");
            }
            return fallback;
        }
        if (value.kind() != DocumentNode.Kind.SCALAR) {
            throw problem(key, "must be text, not " + value.describe());
        }
        return String.valueOf(value.scalar());
    }

    public Template template(String key, String fallback) throws PolicyException {
        String text = text(key, fallback);
        DocumentNode value = node(key);
        return expressions.template(text, value == null ? actionNode : value, phase);
    }

    public long integer(String key, long fallback, long min, long max) throws PolicyException {
        DocumentNode value = node(key);
        if (value == null || value.isNull()) {
            return fallback;
        }
        long number;
        if (value.scalar() instanceof Long whole) {
            number = whole;
        } else if (value.scalar() instanceof String digits && digits.strip().matches("-?\\d{1,18}")) {
            number = Long.parseLong(digits.strip());
        } else {
            throw problem(key, "must be a whole number, not " + value.describe());
        }
        if (number < min || number > max) {
            throw problem(key, "must be between " + min + " and " + max + ", not " + number);
        }
        return number;
    }

    public double fraction(String key, double fallback) throws PolicyException {
        DocumentNode value = node(key);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!(value.scalar() instanceof Number number) || number.doubleValue() < 0 || number.doubleValue() > 1) {
            throw problem(key, "must be a number from 0 to 1");
        }
        return number.doubleValue();
    }

    public boolean bool(String key, boolean fallback) throws PolicyException {
        DocumentNode value = node(key);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!(value.scalar() instanceof Boolean flag)) {
            throw problem(key, "must be true or false, not " + value.describe());
        }
        return flag;
    }

    /** A duration written as ngrok does: {@code 500ms}, {@code 60s}, {@code 10m}, {@code 1h}, or combined ({@code 1m30s}). */
    public Duration duration(String key, Duration fallback) throws PolicyException {
        DocumentNode value = node(key);
        if (value == null || value.isNull()) {
            if (fallback == null) {
                throw problem(key, "is required (a duration such as 60s)");
            }
            return fallback;
        }
        String text = String.valueOf(value.scalar()).strip();
        Matcher parts = DURATION.matcher(text);
        Duration total = Duration.ZERO;
        int consumed = 0;
        while (parts.find() && parts.start() == consumed) {
            long amount = Long.parseLong(parts.group(1));
            total = total.plus(switch (parts.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            });
            consumed = parts.end();
        }
        if (consumed == 0 || consumed != text.length()) {
            throw problem(key, "'" + text + "' is not a duration such as 500ms, 60s, 10m or 1h");
        }
        return total;
    }

    /** A list of text items (a single text is taken as a list of one). */
    public List<String> texts(String key, boolean required) throws PolicyException {
        List<String> texts = new ArrayList<>();
        for (DocumentNode item : items(key, required)) {
            if (item.kind() != DocumentNode.Kind.SCALAR) {
                throw problem(item, key + " items must be text, not " + item.describe());
            }
            texts.add(String.valueOf(item.scalar()));
        }
        return texts;
    }

    public List<DocumentNode> items(String key, boolean required) throws PolicyException {
        DocumentNode value = node(key);
        if (value == null || value.isNull()) {
            if (required) {
                throw problem(key, "is required");
            }
            return List.of();
        }
        if (value.isArray()) {
            return value.items();
        }
        if (value.kind() == DocumentNode.Kind.SCALAR) {
            return List.of(value);
        }
        throw problem(key, "must be a list, not " + value.describe());
    }

    /** A map of text keys to text values that may hold {@code ${CEL}}, in document order. */
    public Map<String, Template> templateMap(String key, boolean required) throws PolicyException {
        DocumentNode value = node(key);
        Map<String, Template> map = new LinkedHashMap<>();
        if (value == null || value.isNull()) {
            if (required) {
                throw problem(key, "is required");
            }
            return map;
        }
        if (!value.isObject()) {
            throw problem(key, "must be a map, not " + value.describe());
        }
        for (Map.Entry<String, DocumentNode> entry : value.fields().entrySet()) {
            DocumentNode item = entry.getValue();
            if (item.kind() != DocumentNode.Kind.SCALAR) {
                throw problem(item, key + "." + entry.getKey() + " must be text, not " + item.describe());
            }
            map.put(entry.getKey(), expressions.template(String.valueOf(item.scalar()), item, phase));
        }
        return map;
    }

    /** Refuses keys the action did not read, naming the ones it knows. */
    public void finish() throws PolicyException {
        if (config == null || config.isNull()) {
            return;
        }
        if (!config.isObject()) {
            throw expressions.source().problem(config, type + ": config must be a map, not " + config.describe());
        }
        for (String key : config.fields().keySet()) {
            if (!read.contains(key)) {
                String known = read.isEmpty() ? "none" : String.join(", ", new TreeSet<>(read));
                throw expressions.source().problemAt(config.keyLocation(key),
                        type + ": unknown config key '" + key + "' (known: " + known + ")");
            }
        }
    }
}
