package dev.burrow.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The agent's YAML config ({@code ~/.config/burrow/burrow.yml} unless {@code --config} names another), the
 * weakest layer under environment variables and flags. Keys: {@code authtoken}, {@code server_addr},
 * {@code edge_ca}, {@code web_addr}, {@code heartbeat_interval}, {@code links}, {@code pooling}.
 */
record ConfigFile(Map<String, String> values) {

    static Path defaultPath(Map<String, String> env) {
        String xdg = env.get("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("burrow").resolve("burrow.yml");
    }

    /** Reads {@code path}; a missing default file is empty, a missing explicit one or a bad one is an error. */
    static ConfigFile load(Path path, boolean explicit) {
        if (!Files.exists(path)) {
            if (explicit) {
                throw new IllegalArgumentException("config file " + path + " does not exist");
            }
            return new ConfigFile(Map.of());
        }
        try {
            JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(path.toFile());
            if (root == null || root.isNull() || root.isMissingNode()) {
                return new ConfigFile(Map.of());
            }
            if (!root.isObject()) {
                throw new IllegalArgumentException("config file " + path + " must be a YAML mapping of keys to values");
            }
            java.util.HashMap<String, String> values = new java.util.HashMap<>();
            root.properties().forEach(field -> {
                if (field.getValue().isValueNode()) {
                    values.put(field.getKey(), field.getValue().asText());
                }
            });
            return new ConfigFile(Map.copyOf(values));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read config file " + path + ": " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    String get(String key) {
        return values.get(key);
    }

    @Override
    public String toString() {
        return "ConfigFile" + values.keySet() + " (values HIDDEN)";
    }
}
