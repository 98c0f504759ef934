package dev.burrow.agent.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Traffic-policy rules made by the agent itself (from ngrok's older flags), by phase, that run before a policy
 * document's own rules. Written out as a JSON policy document.
 */
final class PolicyRules {
    static final PolicyRules NONE = new PolicyRules(Map.of());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new YAMLMapper();

    /** Phase name → rules, each a map of ngrok's rule shape ({@code name}, {@code actions}). */
    private final Map<String, List<Map<String, Object>>> phases;

    private PolicyRules(Map<String, List<Map<String, Object>>> phases) {
        this.phases = phases;
    }

    /** Builds rules phase by phase, in the order they are added. */
    static final class Builder {
        private final Map<String, List<Map<String, Object>>> phases = new LinkedHashMap<>();

        Builder rule(String phase, String name, String actionType, Map<String, Object> config) {
            Map<String, Object> action = new LinkedHashMap<>();
            action.put("type", actionType);
            if (config != null) {
                action.put("config", config);
            }
            Map<String, Object> rule = new LinkedHashMap<>();
            rule.put("name", name);
            rule.put("actions", List.of(action));
            phases.computeIfAbsent(phase, p -> new ArrayList<>()).add(rule);
            return this;
        }

        PolicyRules build() {
            return phases.isEmpty() ? NONE : new PolicyRules(Map.copyOf(phases));
        }
    }

    boolean isEmpty() {
        return phases.isEmpty();
    }

    /** The rules as a phase → rules map (for tests and for merging). */
    Map<String, List<Map<String, Object>>> phases() {
        return phases;
    }

    /**
     * A JSON document with these rules first in each phase, then {@code document}'s own (YAML or JSON; null for none).
     * The document must already compile, so it parses.
     */
    String before(String document) {
        Map<String, Object> merged = new LinkedHashMap<>();
        for (String phase : List.of("on_tcp_connect", "on_http_request", "on_http_response")) {
            if (phases.containsKey(phase)) {
                merged.put(phase, new ArrayList<Object>(phases.get(phase)));
            }
        }
        if (document != null && !document.isBlank()) {
            Map<?, ?> own = parse(document);
            for (Map.Entry<?, ?> entry : own.entrySet()) {
                Object existing = merged.get(String.valueOf(entry.getKey()));
                if (existing instanceof List<?> first && entry.getValue() instanceof List<?> rest) {
                    List<Object> both = new ArrayList<>(first);
                    both.addAll(rest);
                    merged.put(String.valueOf(entry.getKey()), both);
                } else {
                    merged.put(String.valueOf(entry.getKey()), entry.getValue());
                }
            }
        }
        try {
            return JSON.writeValueAsString(merged);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the policy document", e);
        }
    }

    private static Map<?, ?> parse(String document) {
        try {
            Object tree = (document.stripLeading().startsWith("{") ? JSON : YAML).readValue(document, Object.class);
            return tree instanceof Map<?, ?> map ? map : Map.of();
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the traffic policy cannot be read: " + e.getOriginalMessage());
        }
    }
}
