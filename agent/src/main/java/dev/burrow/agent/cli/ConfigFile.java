package dev.burrow.agent.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The agent's YAML config files merged: {@code $XDG_CONFIG_HOME/burrow/burrow.yml} (else
 * {@code $HOME/.config/burrow/burrow.yml}) unless {@code --config} names others
 * (repeatable; a later file overrides an earlier one key by key, and endpoint by endpoint name). The weakest layer
 * under environment variables and flags.
 *
 * <pre>
 * version: 1
 * agent:
 *   authtoken: …
 *   server_addr: edge.example.com:4443     # or a list
 *   region: eu                             # pick server_addr from regions (docs/regions.md)
 *   regions: {eu: [eu1.example.com:4443], us: [us1.example.com:4443]}
 *   edge_ca: ca.pem                        # relative to this file
 *   web_addr: 127.0.0.1:4040
 *   log: stdout                            # stdout | stderr | false | FILE
 *   log_level: info
 *   log_format: term                       # term | logfmt | json
 *   heartbeat_interval: 10s
 *   links: 2
 *   inspect_buffer_size: 100               # exchanges kept by the inspector
 *   inspect_body_bytes: 64KiB              # bytes of each body it keeps
 * endpoints:
 *   - name: web
 *     url: demo.localhost
 *     upstream: {url: http://localhost:3000, protocol: http1}
 * </pre>
 * Every problem is reported with file, line and the fix, all at once ({@link ConfigException}).
 */
final class ConfigFile {
    /** Where the default file is, as help texts say it. */
    static final String DEFAULT_PLACE = "$XDG_CONFIG_HOME/burrow/burrow.yml, else $HOME/.config/burrow/burrow.yml";

    private final Map<String, ConfigValue> agent;
    private final Map<String, EndpointConfig> endpoints;
    private final List<Path> files;

    private ConfigFile(Map<String, ConfigValue> agent, Map<String, EndpointConfig> endpoints, List<Path> files) {
        this.agent = agent;
        this.endpoints = endpoints;
        this.files = files;
    }

    static Path defaultPath(Map<String, String> env) {
        return configHome(env).resolve("burrow").resolve("burrow.yml");
    }

    /**
     * {@code $XDG_CONFIG_HOME}, else {@code $HOME/.config}, as ngrok and other command-line tools look them up: the
     * variables a user sets win over the JVM's {@code user.home}, which comes from the password database.
     */
    static Path configHome(Map<String, String> env) {
        String xdg = env.get("XDG_CONFIG_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg);
        }
        String home = env.get("HOME");
        return Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"), ".config");
    }

    /** {@code --config} files if given, else {@code BURROW_CONFIG}, else the default path. */
    static List<Path> paths(List<String> flags, Map<String, String> env) {
        if (flags != null && !flags.isEmpty()) {
            return flags.stream().map(Path::of).toList();
        }
        String fromEnv = env.get("BURROW_CONFIG");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return List.of(fromEnv.split(java.io.File.pathSeparator)).stream().filter(s -> !s.isBlank()).map(Path::of).toList();
        }
        return List.of(defaultPath(env));
    }

    /** Why {@link #paths} chose its files, for messages: "--config", "BURROW_CONFIG", "$XDG_CONFIG_HOME" or "$HOME". */
    static String source(List<String> flags, Map<String, String> env) {
        if (flags != null && !flags.isEmpty()) {
            return "from --config";
        }
        String fromEnv = env.get("BURROW_CONFIG");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return "from BURROW_CONFIG";
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return "found through $XDG_CONFIG_HOME";
        }
        String home = env.get("HOME");
        return home != null && !home.isBlank() ? "found through $HOME" : "found through the account's home directory";
    }

    /** Reads {@code path}; a missing default file is empty, a missing explicit one or a bad one is an error. */
    static ConfigFile load(Path path, boolean explicit) {
        return load(List.of(path), explicit);
    }

    static ConfigFile load(List<Path> paths, boolean explicit) {
        Map<String, ConfigValue> agent = new LinkedHashMap<>();
        Map<String, EndpointConfig> endpoints = new LinkedHashMap<>();
        List<ConfigProblem> problems = new ArrayList<>();
        List<Path> read = new ArrayList<>();
        for (Path path : paths) {
            if (!Files.exists(path)) {
                if (explicit) {
                    problems.add(new ConfigProblem(path, 0, "config file does not exist (create it, or fix the --config path)"));
                }
                continue;
            }
            read.add(path);
            new FileReader(path, agent, endpoints, problems).read();
        }
        problems.addAll(EndpointClashes.find(endpoints.values()));
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new ConfigFile(Map.copyOf(agent), java.util.Collections.unmodifiableMap(endpoints), List.copyOf(read));
    }

    /** The region names under agent.regions, sorted. */
    List<String> regionNames() {
        return agent.keySet().stream().filter(k -> k.startsWith("regions.")).map(k -> k.substring("regions.".length()))
                .sorted().toList();
    }

    String get(String key) {
        ConfigValue value = agent.get(key);
        return value == null ? null : value.text();
    }

    ConfigValue value(String key) {
        return agent.get(key);
    }

    Map<String, EndpointConfig> endpoints() {
        return endpoints;
    }

    List<Path> files() {
        return files;
    }

    @Override
    public String toString() {
        return "ConfigFile" + agent.keySet() + " (values HIDDEN), endpoints " + endpoints.keySet();
    }

    /** Reads one file into the merged maps, collecting problems. */
    private static final class FileReader {
        private final Path path;
        private final Map<String, ConfigValue> agent;
        private final Map<String, EndpointConfig> endpoints;
        private final List<ConfigProblem> problems;

        FileReader(Path path, Map<String, ConfigValue> agent, Map<String, EndpointConfig> endpoints, List<ConfigProblem> problems) {
            this.path = path;
            this.agent = agent;
            this.endpoints = endpoints;
            this.problems = problems;
        }

        void read() {
            YamlTree.Node root;
            try {
                root = YamlTree.parse(path);
            } catch (YamlTree.SyntaxError e) {
                problem(e.line, "not valid YAML: " + e.getMessage());
                return;
            } catch (IOException e) {
                problem(0, "cannot read the file: " + e.getMessage());
                return;
            }
            if (root == null || root instanceof YamlTree.Scalar scalar && scalar.text() == null) {
                return;
            }
            if (!(root instanceof YamlTree.Mapping mapping)) {
                problem(root.line(), "the file must be a mapping with version, agent and endpoints (found " + root.kind() + ")");
                return;
            }
            mapping.entries().forEach((key, node) -> {
                int line = mapping.keyLines().get(key);
                switch (key) {
                    case "version" -> version(node);
                    case "agent" -> agent(node);
                    case "endpoints" -> endpoints(node);
                    default -> unknownTopLevel(key, line);
                }
            });
        }

        private void unknownTopLevel(String key, int line) {
            if (ConfigSchema.AGENT.containsKey(key)) {
                problem(line, "\"" + key + "\" belongs under agent: (indent it below a line \"agent:\")");
            } else {
                unknown(key, line, "the top level", ConfigSchema.TOP_LEVEL);
            }
        }

        private void version(YamlTree.Node node) {
            String text = scalar(node, "version");
            if (text != null && !text.trim().equals(String.valueOf(ConfigSchema.VERSION))) {
                problem(node.line(), "version " + text + " is not supported: this agent reads version " + ConfigSchema.VERSION
                        + " (write \"version: " + ConfigSchema.VERSION + "\")");
            }
        }

        private void agent(YamlTree.Node node) {
            if (node instanceof YamlTree.Scalar s && s.text() == null) {
                return;
            }
            if (!(node instanceof YamlTree.Mapping mapping)) {
                problem(node.line(), "agent must be a mapping of settings (found " + node.kind() + ")");
                return;
            }
            mapping.entries().forEach((key, value) -> {
                int line = mapping.keyLines().get(key);
                if (key.equals("regions")) {
                    regions(value);
                    return;
                }
                var check = ConfigSchema.AGENT.get(key);
                if (check == null) {
                    unknown(key, line, "agent", ConfigSchema.AGENT.keySet());
                    return;
                }
                String text = key.equals("server_addr") && value instanceof YamlTree.Sequence list
                        ? joined(list, key) : scalar(value, "agent." + key);
                if (text == null) {
                    return;
                }
                try {
                    check.accept(text);
                    agent.put(key, new ConfigValue(text, path, value.line()));
                } catch (IllegalArgumentException e) {
                    problem(value.line(), "agent." + key + ": " + e.getMessage());
                }
            });
        }

        /** agent.regions: region name → its nodes' agent-link addresses (one or a list); kept as "regions.NAME". */
        private void regions(YamlTree.Node node) {
            if (!(node instanceof YamlTree.Mapping mapping)) {
                problem(node.line(), "agent.regions must be a mapping of region names to addresses, e.g. "
                        + "{eu: [eu1.example.com:4443], us: [us1.example.com:4443]} (found " + node.kind() + ")");
                return;
            }
            mapping.entries().forEach((name, value) -> {
                String what = "agent.regions." + name;
                String text = value instanceof YamlTree.Sequence list ? joined(list, what) : scalar(value, what);
                if (text == null) {
                    return;
                }
                try {
                    CommonOptions.regionName(name);
                    CommonOptions.servers(text);
                    agent.put("regions." + name, new ConfigValue(text, path, value.line()));
                } catch (IllegalArgumentException e) {
                    problem(value.line(), what + ": " + e.getMessage());
                }
            });
        }

        private String joined(YamlTree.Sequence list, String key) {
            List<String> parts = new ArrayList<>();
            for (YamlTree.Node item : list.items()) {
                String text = scalar(item, key + " entry");
                if (text == null) {
                    return null;
                }
                parts.add(text);
            }
            return String.join(",", parts);
        }

        private void endpoints(YamlTree.Node node) {
            if (node instanceof YamlTree.Scalar s && s.text() == null) {
                return;
            }
            if (!(node instanceof YamlTree.Sequence list)) {
                problem(node.line(), "endpoints must be a list (each entry starting with \"- name: …\"), found " + node.kind());
                return;
            }
            Map<String, Integer> namesInThisFile = new java.util.HashMap<>();
            for (YamlTree.Node item : list.items()) {
                EndpointConfig endpoint = new EndpointReader(path, problems).read(item);
                Integer first = endpoint == null ? null : namesInThisFile.putIfAbsent(endpoint.name(), endpoint.origin().line());
                if (first != null) {
                    problem(endpoint.origin().line(), "endpoint name \"" + endpoint.name() + "\" is used twice in this file "
                            + "(first on line " + first + "); give each endpoint its own name");
                } else if (endpoint != null) {
                    // A later file's endpoint of the same name replaces the earlier one.
                    endpoints.remove(endpoint.name());
                    endpoints.put(endpoint.name(), endpoint);
                }
            }
        }

        private String scalar(YamlTree.Node node, String what) {
            if (node instanceof YamlTree.Scalar s) {
                if (s.text() == null) {
                    problem(node.line(), what + " is empty: give it a value or delete the line");
                }
                return s.text();
            }
            problem(node.line(), what + " must be a single value, not " + node.kind());
            return null;
        }

        private void unknown(String key, int line, String where, Set<String> known) {
            String guess = ConfigSchema.suggestion(key, known);
            problem(line, "unknown key \"" + key + "\" in " + where
                    + (guess != null ? "; did you mean \"" + guess + "\"?" : "")
                    + " (known: " + String.join(", ", new java.util.TreeSet<>(known)) + ")");
        }

        private void problem(int line, String message) {
            problems.add(new ConfigProblem(path, line, message));
        }
    }
}
