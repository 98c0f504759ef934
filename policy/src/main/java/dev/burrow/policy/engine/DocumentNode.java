package dev.burrow.policy.engine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One value of a policy document with where it was written (1-based line and column), so that every later complaint
 * (a bad expression, a bad action config) can point at the text. Exactly one of {@code scalar}, {@code fields},
 * {@code items} is meaningful, by {@code kind}.
 */
public record DocumentNode(Kind kind, Object scalar, Map<String, DocumentNode> fields, List<DocumentNode> items,
                           Map<String, int[]> keyLocations, int line, int column) {

    public enum Kind { SCALAR, OBJECT, ARRAY, NULL }

    static DocumentNode scalar(Object value, int line, int column) {
        return new DocumentNode(value == null ? Kind.NULL : Kind.SCALAR, value, Map.of(), List.of(), Map.of(), line, column);
    }

    static DocumentNode object(LinkedHashMap<String, DocumentNode> fields, Map<String, int[]> keyLocations, int line, int column) {
        return new DocumentNode(Kind.OBJECT, null, fields, List.of(), keyLocations, line, column);
    }

    static DocumentNode array(List<DocumentNode> items, int line, int column) {
        return new DocumentNode(Kind.ARRAY, null, Map.of(), List.copyOf(items), Map.of(), line, column);
    }

    public boolean isObject() {
        return kind == Kind.OBJECT;
    }

    public boolean isArray() {
        return kind == Kind.ARRAY;
    }

    public boolean isNull() {
        return kind == Kind.NULL;
    }

    public boolean isText() {
        return kind == Kind.SCALAR && scalar instanceof String;
    }

    public DocumentNode field(String name) {
        return fields.get(name);
    }

    /** Where a key of this object was written, or this node's own place. */
    public int[] keyLocation(String key) {
        int[] at = keyLocations.get(key);
        return at == null ? new int[] {line, column} : at;
    }

    /** A short name of this node's kind for messages ("a list", "a map", "text", "a number", ...). */
    public String describe() {
        return switch (kind) {
            case OBJECT -> "a map";
            case ARRAY -> "a list";
            case NULL -> "nothing";
            case SCALAR -> scalar instanceof String ? "text" : scalar instanceof Boolean ? "a boolean" : "a number";
        };
    }
}
