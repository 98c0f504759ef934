package dev.burrow.agent.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Endpoints of one config that could never run together: the same public TCP port, or the same hostname. */
final class EndpointClashes {
    private EndpointClashes() {
    }

    static List<ConfigProblem> find(Collection<EndpointConfig> endpoints) {
        List<ConfigProblem> problems = new ArrayList<>();
        Map<String, EndpointConfig> claimed = new HashMap<>();
        for (EndpointConfig endpoint : endpoints) {
            String address = publicAddress(endpoint);
            if (address == null) {
                continue;
            }
            EndpointConfig earlier = claimed.putIfAbsent(address, endpoint);
            if (earlier != null) {
                problems.add(new ConfigProblem(endpoint.origin().file(), endpoint.origin().line(), "endpoint \""
                        + endpoint.name() + "\" asks for " + address + ", as endpoint \"" + earlier.name() + "\" ("
                        + earlier.origin().where() + ") does; only one can have it, so give each its own"));
            }
        }
        return problems;
    }

    /** What the endpoint claims at the edge, or {@code null} when the edge picks (a random name, any port). */
    private static String publicAddress(EndpointConfig endpoint) {
        if (endpoint.proto().equals("tcp")) {
            return endpoint.remotePort() == 0 ? null : "TCP port " + endpoint.remotePort();
        }
        return endpoint.hostname() == null ? null : "the hostname " + endpoint.hostname().toLowerCase(java.util.Locale.ROOT);
    }
}
