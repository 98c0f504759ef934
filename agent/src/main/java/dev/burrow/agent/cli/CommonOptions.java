package dev.burrow.agent.cli;

import dev.burrow.agent.SessionBuilder;
import dev.burrow.agent.internal.HostPort;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Options every tunnel command takes; each also settable by a BURROW_* variable or the config file. */
final class CommonOptions {
    @Option(names = "--server", paramLabel = "HOST:PORT",
            description = "The edge's agent-link address (env BURROW_SERVER; default " + SessionBuilder.DEFAULT_SERVER + ").")
    String server;

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

    @Option(names = "--config", paramLabel = "FILE", description = "YAML config file (default ~/.config/burrow/burrow.yml).")
    String config;

    /** Merges flags, {@code env} and the config file, flags first, and validates; messages name the bad value. */
    AgentSettings resolve(Map<String, String> env) {
        ConfigFile file = ConfigFile.load(config != null ? Path.of(config) : ConfigFile.defaultPath(env), config != null);
        String serverValue = first(server, env.get("BURROW_SERVER"), file.get("server_addr"), SessionBuilder.DEFAULT_SERVER);
        HostPort.parse(serverValue, "--server");
        String token = first(authtoken, env.get("BURROW_AUTHTOKEN"), file.get("authtoken"), null);
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("no authtoken: pass --authtoken or set BURROW_AUTHTOKEN "
                    + "(a dev edge prints its authtoken at startup)");
        }
        String caValue = first(edgeCa, env.get("BURROW_EDGE_CA"), file.get("edge_ca"), null);
        Path ca = null;
        if (caValue != null && !caValue.isBlank()) {
            ca = Path.of(caValue);
            if (!Files.isRegularFile(ca) || !Files.isReadable(ca)) {
                throw new IllegalArgumentException("--edge-ca " + caValue + " is not a readable file");
            }
        }
        String explicitWeb = first(webAddr, env.get("BURROW_WEB_ADDR"), file.get("web_addr"), null);
        WebAddress web = WebAddress.parse(explicitWeb != null ? explicitWeb : WebAddress.DEFAULT, explicitWeb != null);
        String heartbeatValue = first(heartbeatInterval, env.get("BURROW_HEARTBEAT_INTERVAL"), file.get("heartbeat_interval"), null);
        return new AgentSettings(serverValue.trim(), token.trim(), ca, web,
                heartbeatValue == null ? null : Durations.parse(heartbeatValue, "--heartbeat-interval"));
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
