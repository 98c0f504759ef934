package dev.burrow.agent.cli;

import dev.burrow.agent.HttpEndpointBuilder;
import dev.burrow.agent.SessionBuilder;
import dev.burrow.agent.SessionOptions;
import dev.burrow.agent.internal.HostPort;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Options every tunnel command takes; each also settable by a BURROW_* variable or the config file. */
final class CommonOptions {
    @Option(names = "--server", paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "The edge's agent-link address, or several nodes' for the first contact, tried in order "
                    + "(env BURROW_SERVER; default " + SessionBuilder.DEFAULT_SERVER + ").")
    String server;

    @Option(names = "--region", paramLabel = "NAME",
            description = "Link to this region's edge nodes: their addresses come from agent.regions in the config "
                    + "file (env BURROW_REGION); --server, when given, wins.")
    String region;

    @Option(names = "--links", paramLabel = "N",
            description = "Links to distinct edge nodes to keep, each serving every endpoint, when the cluster has "
                    + "that many nodes (env BURROW_LINKS; default " + SessionBuilder.DEFAULT_LINKS + ").")
    String links;

    @Option(names = "--pooling", arity = "0..1", paramLabel = "true|false",
            description = "Share the URL with other agents of the same tenant that also pass --pooling; the edge "
                    + "spreads the traffic over them (env BURROW_POOLING; default false).")
    Boolean pooling;

    @Option(names = "--authtoken", paramLabel = "TOKEN",
            description = "Authtoken the edge accepts (env BURROW_AUTHTOKEN; a dev edge prints one at startup).")
    String authtoken;

    @Option(names = "--edge-ca", paramLabel = "FILE",
            description = "PEM file of the CA to trust for the edge instead of the system trust store (env BURROW_EDGE_CA).")
    String edgeCa;

    @Option(names = "--web-addr", paramLabel = "HOST:PORT|false",
            description = "Address of the local agent API (env BURROW_WEB_ADDR; default " + WebAddress.DEFAULT
                    + "; port 0 = any free port; false disables it).")
    String webAddr;

    @Option(names = "--heartbeat-interval", paramLabel = "DURATION",
            description = "How often to ping the edge, e.g. 10s or 500ms; a link silent for 3 intervals is replaced "
                    + "(default: the edge's setting).")
    String heartbeatInterval;

    @Option(names = "--heartbeat-tolerance", paramLabel = "DURATION",
            description = "How long a link may stay silent before it is replaced, e.g. 15s (env BURROW_HEARTBEAT_TOLERANCE; "
                    + "default: 3 heartbeat intervals).")
    String heartbeatTolerance;

    @Option(names = "--response-timeout", paramLabel = "DURATION",
            description = "How long an HTTP upstream may take to start its answer once the request was sent; past it the "
                    + "client gets a 504 naming the upstream (env BURROW_RESPONSE_TIMEOUT; default 60s).")
    String responseTimeout;

    @Option(names = "--log", paramLabel = "stdout|stderr|false|FILE",
            description = "Where to write line logs instead of the live terminal screen (env BURROW_LOG; default: the "
                    + "screen on a terminal, stdout otherwise).")
    String log;

    @Option(names = "--log-format", paramLabel = "term|logfmt|json",
            description = "Format of line logs (env BURROW_LOG_FORMAT; default term).")
    String logFormat;

    @Option(names = "--log-level", paramLabel = "debug|info|warn|error",
            description = "Lowest level logged (env BURROW_LOG_LEVEL; default info; debug also logs each HTTP exchange "
                    + "and the libraries' own log lines).")
    String logLevel;

    @Option(names = "--inspect", arity = "0..1", paramLabel = "true|false",
            description = "Capture HTTP exchanges for the inspector at the web address (env BURROW_INSPECT; default true).")
    Boolean inspect;

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML config file; repeat to merge several, later ones win (env BURROW_CONFIG; default "
                    + ConfigFile.DEFAULT_PLACE + ").")
    List<String> config;

    /** Merges flags, {@code env} and the config files, flags first, and validates; messages name the bad value. */
    AgentSettings resolve(Map<String, String> env) {
        return resolve(env, loadConfig(env));
    }

    ConfigFile loadConfig(Map<String, String> env) {
        boolean explicit = (config != null && !config.isEmpty()) || (env.get("BURROW_CONFIG") != null && !env.get("BURROW_CONFIG").isBlank());
        return ConfigFile.load(ConfigFile.paths(config, env), explicit);
    }

    AgentSettings resolve(Map<String, String> env, ConfigFile file) {
        Sources from = new Sources(env, file);
        String serverValue = serverFor(env, file);
        List<String> servers = servers(serverValue);
        int linkCount = linkCount(from.value(links, "links", String.valueOf(SessionBuilder.DEFAULT_LINKS)));
        boolean pool = bool(from.value(text(pooling), "pooling", "false"), "--pooling");
        String token = from.value(authtoken, "authtoken", null);
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("no authtoken: pass --authtoken or set BURROW_AUTHTOKEN "
                    + "(a dev edge prints its authtoken at startup)");
        }
        String caValue = first(edgeCa, env.get("BURROW_EDGE_CA"), file.value("edge_ca") != null ? file.value("edge_ca").path().toString() : null, null);
        Path ca = caValue == null || caValue.isBlank() ? null : EdgeCaFile.check(Path.of(caValue));
        String explicitWeb = from.value(webAddr, "web_addr", null);
        WebAddress web = WebAddress.parse(explicitWeb != null ? explicitWeb : WebAddress.DEFAULT, explicitWeb != null);
        String heartbeatValue = from.value(heartbeatInterval, "heartbeat_interval", null);
        String toleranceValue = from.value(heartbeatTolerance, "heartbeat_tolerance", null);
        String responseValue = from.value(responseTimeout, "response_timeout", null);
        Duration response = responseValue == null ? HttpEndpointBuilder.DEFAULT_RESPONSE_TIMEOUT
                : Durations.parse(responseValue, "--response-timeout");
        if (response.toMillis() < 1) {
            throw new IllegalArgumentException("--response-timeout must be positive, e.g. 60s");
        }
        LogSettings logSettings = LogSettings.of(from.value(log, "log", null),
                from.value(logFormat, "log_format", "term"), from.value(logLevel, "log_level", "info"));
        InspectSettings inspectSettings = new InspectSettings(
                bool(from.value(text(inspect), "inspect", "true"), "--inspect"),
                ConfigSchema.count(from.value(null, "inspect_buffer_size", String.valueOf(InspectSettings.DEFAULT_EXCHANGES)), 0, 100_000),
                ByteSizes.parse(from.value(null, "inspect_body_bytes", String.valueOf(InspectSettings.DEFAULT_BODY_BYTES))));
        return new AgentSettings(String.join(",", servers), token.trim(), tokenSource(env, file), ca, web,
                heartbeatValue == null ? null : Durations.parse(heartbeatValue, "--heartbeat-interval"),
                toleranceValue == null ? null : Durations.parse(toleranceValue, "--heartbeat-tolerance"), linkCount, pool,
                logSettings, inspectSettings, response);
    }

    /**
     * The first-contact addresses: {@code --server}/{@code BURROW_SERVER} when given; else, with a region chosen
     * ({@code --region}, {@code BURROW_REGION}, {@code agent.region}), that region's list in {@code agent.regions};
     * else {@code agent.server_addr}; else the default.
     */
    private String serverFor(Map<String, String> env, ConfigFile file) {
        String explicit = first(server, env.get("BURROW_SERVER"), null, null);
        String chosen = first(region, env.get("BURROW_REGION"), file.get("region"), null);
        if (explicit != null || chosen == null) {
            return first(explicit, null, file.get("server_addr"), SessionBuilder.DEFAULT_SERVER);
        }
        regionName(chosen);
        String regional = file.get("regions." + chosen);
        if (regional == null) {
            List<String> known = file.regionNames();
            throw new IllegalArgumentException("region \"" + chosen + "\" is not listed under agent.regions in the config file"
                    + (known.isEmpty() ? "" : " (listed: " + String.join(", ", known) + ")")
                    + "; add it there, or pass --server with that region's address");
        }
        return regional;
    }

    /** Where the authtoken came from, for messages about a refused one: the flag, the variable, or which file. */
    private String tokenSource(Map<String, String> env, ConfigFile file) {
        if (authtoken != null) {
            return "--authtoken";
        }
        String fromEnv = env.get("BURROW_AUTHTOKEN");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return "BURROW_AUTHTOKEN";
        }
        ConfigValue value = file.value("authtoken");
        return value == null ? "--authtoken" : "agent.authtoken in " + value.file();
    }

    /** Checks a region name (as the edge's --region: letters, digits, '.', '_', '-'). */
    static void regionName(String name) {
        if (name == null || !name.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("region name \"" + name + "\" is not valid; use 1-64 letters, digits, '.', '_' or '-'");
        }
    }

    /** "a:4443,b:4443" → its addresses, each validated; the sentence names the bad one. */
    static List<String> servers(String value) {
        List<String> addresses = new ArrayList<>();
        for (String part : value.split(",")) {
            if (!part.isBlank()) {
                addresses.add(HostPort.parse(part, "--server address").toString());
            }
        }
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("--server names no address (expected host:port[,host:port...])");
        }
        return addresses;
    }

    static int linkCount(String value) {
        int count;
        try {
            count = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid --links \"" + value + "\": expected a number of links");
        }
        if (count < 1 || count > SessionOptions.MAX_LINKS) {
            throw new IllegalArgumentException("invalid --links " + count + ": expected 1 to " + SessionOptions.MAX_LINKS);
        }
        return count;
    }

    private static String text(Boolean flag) {
        return flag == null ? null : flag.toString();
    }

    private static boolean bool(String value, String what) {
        return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw new IllegalArgumentException("invalid " + what + " \"" + value + "\": expected true or false");
        };
    }

    /** Where a setting may come from besides its flag: {@code BURROW_<KEY>} in the environment, {@code key} in the file. */
    private record Sources(Map<String, String> env, ConfigFile file) {
        /** The flag, else the variable, else the file's value, else {@code fallback}. */
        String value(String flag, String key, String fallback) {
            return first(flag, env.get("BURROW_" + key.toUpperCase(java.util.Locale.ROOT)), file.get(key), fallback);
        }
    }

    private static String first(String flag, String env, String file, String fallback) {
        if (flag != null) {
            return flag;
        }
        if (env != null && !env.isBlank()) {
            return env;
        }
        return file != null ? file : fallback;
    }
}
