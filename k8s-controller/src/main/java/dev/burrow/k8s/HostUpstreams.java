package dev.burrow.k8s;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Where one public hostname's exchanges go: by path prefix ({@code routes}, in the Ingress's order) and otherwise to
 * {@code fallback} (the Service of the host's {@code /} path, or, when it has none, of its first path). A change of
 * either re-binds the host.
 */
record HostUpstreams(URI fallback, List<Map.Entry<String, URI>> routes) {
    HostUpstreams {
        routes = List.copyOf(routes);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(fallback.toString());
        routes.forEach(route -> text.append(", ").append(route.getKey()).append(" -> ").append(route.getValue()));
        return text.toString();
    }
}
