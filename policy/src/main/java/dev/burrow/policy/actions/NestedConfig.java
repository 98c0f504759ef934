package dev.burrow.policy.actions;

import dev.burrow.policy.PolicyException;
import dev.burrow.policy.engine.DocumentNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the nested maps and lists inside an action's config (ngrok's {@code jwt-validation} nests four deep), with
 * the same precise complaints as {@link ActionConfig}: the path, what was expected, unknown keys by name.
 */
final class NestedConfig {
    private final ActionConfig config;

    NestedConfig(ActionConfig config) {
        this.config = config;
    }

    PolicyException problem(DocumentNode at, String what) {
        return config.problem(at, what);
    }

    DocumentNode checkedObject(DocumentNode value, String path, Set<String> keys) throws PolicyException {
        if (!value.isObject()) {
            throw config.problem(value, path + " must be a map, not " + value.describe());
        }
        for (String name : value.fields().keySet()) {
            if (!keys.contains(name)) {
                throw config.problem(value, path + ": unknown key '" + name + "' (known: "
                        + String.join(", ", new TreeSet<>(keys)) + ")");
            }
        }
        return value;
    }

    /** The items at {@code key} (a single map or text counts as a list of one); at least one when required. */
    List<DocumentNode> list(DocumentNode parent, String key, String path, boolean required) throws PolicyException {
        DocumentNode value = parent == null ? null : parent.field(key);
        if (value == null || value.isNull()) {
            if (required) {
                throw config.problem(parent, path + " is required");
            }
            return List.of();
        }
        List<DocumentNode> items = value.isArray() ? value.items() : List.of(value);
        if (required && items.isEmpty()) {
            throw config.problem(value, path + " needs at least one item");
        }
        return items;
    }

    /** The text at {@code key}; {@code fallback} when absent (null: required). */
    String text(DocumentNode parent, String key, String path, String fallback) throws PolicyException {
        DocumentNode value = parent.field(key);
        if (value == null || value.isNull()) {
            if (fallback == null) {
                throw config.problem(parent, path + " is required");
            }
            return fallback;
        }
        if (value.kind() != DocumentNode.Kind.SCALAR) {
            throw config.problem(value, path + " must be text, not " + value.describe());
        }
        return String.valueOf(value.scalar());
    }

    /** Each item's text. */
    List<String> texts(List<DocumentNode> items, String path) throws PolicyException {
        List<String> texts = new ArrayList<>(items.size());
        for (DocumentNode item : items) {
            if (item.kind() != DocumentNode.Kind.SCALAR) {
                throw config.problem(item, path + " items must be text, not " + item.describe());
            }
            texts.add(String.valueOf(item.scalar()));
        }
        return texts;
    }

    /** The {@code value} of each {@code {value: ...}} item of an allow list. */
    List<String> allowList(DocumentNode parent, String path, boolean required) throws PolicyException {
        List<String> values = new ArrayList<>();
        for (DocumentNode item : list(parent, "allow_list", path + ".allow_list", required)) {
            values.add(text(checkedObject(item, path + ".allow_list[]", Set.of("value")), "value",
                    path + ".allow_list[].value", null));
        }
        return values;
    }
}
