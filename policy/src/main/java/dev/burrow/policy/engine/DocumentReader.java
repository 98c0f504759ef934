package dev.burrow.policy.engine;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.burrow.policy.PolicyException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a policy document, YAML or JSON (a document whose first character is '{' is read as JSON, anything else as
 * YAML), into {@link DocumentNode}s that remember their line and column. A key written twice in one map is refused:
 * a YAML reader would otherwise keep the last one silently.
 */
public final class DocumentReader {
    private static final JsonFactory JSON = new JsonFactory();
    private static final YAMLFactory YAML = new YAMLFactory();
    private static final int MAX_DEPTH = 64;

    private final String source;

    public DocumentReader(String source) {
        this.source = source;
    }

    public DocumentNode read(String document) throws PolicyException {
        boolean json = document.stripLeading().startsWith("{");
        try (JsonParser parser = (json ? JSON : YAML).createParser(document)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return DocumentNode.scalar(null, 1, 1);
            }
            DocumentNode root = readValue(parser, 0);
            if (parser.nextToken() != null) {
                throw problem(parser.currentTokenLocation(), "more than one document; a policy is one map");
            }
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String what = e.getOriginalMessage();
            int cut = what.indexOf("\n at [");
            throw problem(at, "not valid " + (json ? "JSON" : "YAML") + ": " + (cut > 0 ? what.substring(0, cut) : what).strip());
        } catch (IOException e) {
            throw new PolicyException(source, 0, 0, "cannot read the document: " + e.getMessage());
        }
    }

    private DocumentNode readValue(JsonParser parser, int depth) throws IOException, PolicyException {
        JsonLocation at = parser.currentTokenLocation();
        if (depth > MAX_DEPTH) {
            throw problem(at, "nested deeper than " + MAX_DEPTH + " levels");
        }
        JsonToken token = parser.currentToken();
        return switch (token) {
            case START_OBJECT -> readObject(parser, depth, at);
            case START_ARRAY -> readArray(parser, depth, at);
            case VALUE_STRING -> DocumentNode.scalar(parser.getText(), line(at), column(at));
            case VALUE_NUMBER_INT -> DocumentNode.scalar(parser.getLongValue(), line(at), column(at));
            case VALUE_NUMBER_FLOAT -> DocumentNode.scalar(parser.getDoubleValue(), line(at), column(at));
            case VALUE_TRUE, VALUE_FALSE -> DocumentNode.scalar(parser.getBooleanValue(), line(at), column(at));
            case VALUE_NULL -> DocumentNode.scalar(null, line(at), column(at));
            default -> throw problem(at, "unexpected " + token);
        };
    }

    private DocumentNode readObject(JsonParser parser, int depth, JsonLocation at) throws IOException, PolicyException {
        LinkedHashMap<String, DocumentNode> fields = new LinkedHashMap<>();
        Map<String, int[]> keyLocations = new HashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            JsonLocation keyAt = parser.currentTokenLocation();
            String key = parser.currentName();
            if (fields.containsKey(key)) {
                throw problem(keyAt, "'" + key + "' is written twice in the same map");
            }
            parser.nextToken();
            fields.put(key, readValue(parser, depth + 1));
            keyLocations.put(key, new int[] {line(keyAt), column(keyAt)});
        }
        return DocumentNode.object(fields, keyLocations, line(at), column(at));
    }

    private DocumentNode readArray(JsonParser parser, int depth, JsonLocation at) throws IOException, PolicyException {
        List<DocumentNode> items = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            items.add(readValue(parser, depth + 1));
        }
        return DocumentNode.array(items, line(at), column(at));
    }

    private PolicyException problem(JsonLocation at, String what) {
        return new PolicyException(source, at == null ? 0 : line(at), at == null ? 0 : column(at), what);
    }

    private static int line(JsonLocation at) {
        return Math.max(at.getLineNr(), 0);
    }

    private static int column(JsonLocation at) {
        return Math.max(at.getColumnNr(), 0);
    }
}
