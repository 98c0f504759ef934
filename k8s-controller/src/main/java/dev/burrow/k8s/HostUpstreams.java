package dev.burrow.k8s;

import java.net.URI;
import java.util.List;

/**
 * Where one public hostname's exchanges go: by path ({@code routes}, in the Ingress's order; an {@code Exact} one takes
 * only its path, before any prefix) and otherwise to {@code fallback}, the Service of the host's {@code /} prefix path;
 * without one ({@code null}) a path no route takes answers 404. A change of either re-binds the host.
 */
record HostUpstreams(URI fallback, List<Route> routes) {
    /** Requests whose path is {@code path} ({@code exact}) or under it go to {@code upstream}. */
    record Route(String path, boolean exact, URI upstream) {
        @Override
        public String toString() {
            return path + (exact ? " (exact)" : "") + " -> " + upstream;
        }
    }

    HostUpstreams {
        routes = List.copyOf(routes);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(fallback == null ? "404" : fallback.toString());
        routes.forEach(route -> text.append(", ").append(route));
        return text.toString();
    }
}
