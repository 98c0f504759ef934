package dev.burrow.agent.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code burrow start NAME… | --all}: the config file's endpoints, over one session. */
@Command(name = "start", mixinStandardHelpOptions = true, versionProvider = BurrowCli.Version.class,
        description = "Start endpoints defined in the config file's endpoints: list, all over one session.")
final class StartCommand extends TunnelCommand {
    @Parameters(paramLabel = "NAME", arity = "0..*", description = "Endpoints to start, by name.")
    List<String> names = new ArrayList<>();

    @Option(names = "--all", arity = "0..1", paramLabel = "true|false", description = "Start every endpoint in the config.")
    boolean all;

    @Override
    public Integer call() {
        ConfigFile file = common.loadConfig(cli.environment());
        List<EndpointConfig> chosen = choose(file, names, all);
        AgentSettings settings = common.resolve(cli.environment(), file);
        return cli.runner().run(settings, chosen.stream().map(e -> EndpointPlan.of(e, settings)).toList());
    }

    /** The named endpoints in the order given, or all in file order; the sentence says what exists. */
    static List<EndpointConfig> choose(ConfigFile file, List<String> names, boolean all) {
        Map<String, EndpointConfig> endpoints = file.endpoints();
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("no endpoints defined in " + (file.files().isEmpty() ? "any config file"
                    : String.join(", ", file.files().stream().map(Object::toString).toList()))
                    + "; add an endpoints: list (see burrow config check) or use burrow http/tcp");
        }
        if (all) {
            if (!names.isEmpty()) {
                throw new IllegalArgumentException("pass endpoint names or --all, not both");
            }
            return List.copyOf(endpoints.values());
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException("name the endpoints to start or pass --all (defined: "
                    + String.join(", ", endpoints.keySet()) + ")");
        }
        List<EndpointConfig> chosen = new ArrayList<>();
        for (String name : names) {
            EndpointConfig endpoint = endpoints.get(name);
            if (endpoint == null) {
                throw new IllegalArgumentException("no endpoint named \"" + name + "\" in the config (defined: "
                        + String.join(", ", endpoints.keySet()) + ")");
            }
            if (!chosen.contains(endpoint)) {
                chosen.add(endpoint);
            }
        }
        return chosen;
    }
}
