package dev.burrow.agent.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document as mappings, sequences and scalars that each remember their line, so that every problem in a
 * config file can be reported as {@code file:line}. (Jackson's own tree drops locations.)
 */
final class YamlTree {
    private static final YAMLFactory FACTORY = new YAMLFactory();

    sealed interface Node permits Scalar, Mapping, Sequence {
        int line();

        /** "a string", "a mapping", "a list": what the node is, for error sentences. */
        String kind();
    }

    /** A scalar's text ({@code null} for YAML null). */
    record Scalar(String text, int line) implements Node {
        public String kind() {
            return text == null ? "empty" : "a value";
        }
    }

    record Mapping(Map<String, Node> entries, Map<String, Integer> keyLines, int line) implements Node {
        public String kind() {
            return "a mapping";
        }
    }

    record Sequence(List<Node> items, int line) implements Node {
        public String kind() {
            return "a list";
        }
    }

    /** Thrown for YAML that does not parse; carries the line. */
    static final class SyntaxError extends Exception {
        final int line;

        SyntaxError(String message, int line) {
            super(message);
            this.line = line;
        }
    }

    private YamlTree() {
    }

    /** The document's root node, or {@code null} for an empty file. */
    static Node parse(Path file) throws IOException, SyntaxError {
        try (JsonParser parser = FACTORY.createParser(file.toFile())) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return null;
            }
            return read(parser);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new SyntaxError(summary(e.getOriginalMessage()), line);
        }
    }

    /** SnakeYAML's message without its source excerpts: "while parsing …; expected …, but found …". */
    private static String summary(String message) {
        return String.join("; ", message.lines().map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("in 'reader'") && !l.startsWith("^") && !l.startsWith("at ["))
                .filter(l -> !l.matches(".*\\| .*"))
                .toList());
    }

    private static Node read(JsonParser parser) throws IOException, SyntaxError {
        int line = parser.currentTokenLocation().getLineNr();
        JsonToken token = parser.currentToken();
        if (token == JsonToken.START_OBJECT) {
            Map<String, Node> entries = new LinkedHashMap<>();
            Map<String, Integer> keyLines = new LinkedHashMap<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String key = parser.currentName();
                int keyLine = parser.currentTokenLocation().getLineNr();
                if (entries.containsKey(key)) {
                    throw new SyntaxError("key \"" + key + "\" appears twice (first on line " + keyLines.get(key) + ")", keyLine);
                }
                parser.nextToken();
                entries.put(key, read(parser));
                keyLines.put(key, keyLine);
            }
            return new Mapping(entries, keyLines, line);
        }
        if (token == JsonToken.START_ARRAY) {
            List<Node> items = new ArrayList<>();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                items.add(read(parser));
            }
            return new Sequence(items, line);
        }
        if (token == JsonToken.VALUE_NULL) {
            return new Scalar(null, line);
        }
        return new Scalar(parser.getText(), line);
    }
}
