package dev.burrow.k8s;

import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLS;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What an {@code Ingress} asks of Burrow, as a pure function of the object: one {@link HostRoute} per rule host,
 * with its paths and the Service port each goes to. Only Ingresses of the controller's classes are taken
 * ({@link IngressClasses}).
 */
public final class IngressRoutes {
    private IngressRoutes() {
    }

    /** A path of a host, and the Service port it goes to (a number, or a port name to look up on the Service). */
    public record PathRoute(String path, String pathType, String service, Integer portNumber, String portName) {
        /** {@code pathType: Exact}: only this path; {@code Prefix} and {@code ImplementationSpecific} are prefixes. */
        public boolean exact() {
            return "Exact".equals(pathType);
        }
    }

    /** A public hostname: its paths in the Ingress's order; {@code tls} when a TLS section names the host. */
    public record HostRoute(String host, List<PathRoute> paths, boolean tls) {
        /** The backend of the first path: the one Service port that serves the whole host. */
        public PathRoute primary() {
            return paths.get(0);
        }

        /** True when every path goes to the same Service port (what one forwarding endpoint can serve). */
        public boolean singleBackend() {
            return paths.stream().map(p -> List.of(p.service(), String.valueOf(p.portNumber()), String.valueOf(p.portName())))
                    .distinct().count() == 1;
        }
    }

    /** The hosts of the Ingress, each with its routes; empty when the Ingress is not of one of {@code classes}. */
    static List<HostRoute> of(Ingress ingress, IngressClasses classes) {
        if (!classes.serves(ingress) || ingress.getSpec().getRules() == null) {
            return List.of();
        }
        Set<String> tlsHosts = Optional.ofNullable(ingress.getSpec().getTls()).orElse(List.of()).stream()
                .map(IngressTLS::getHosts).filter(Objects::nonNull).flatMap(List::stream).collect(Collectors.toSet());
        List<HostRoute> hosts = new ArrayList<>();
        for (IngressRule rule : ingress.getSpec().getRules()) {
            List<PathRoute> paths = paths(rule, ingress.getSpec().getDefaultBackend());
            if (rule.getHost() != null && !rule.getHost().isBlank() && !paths.isEmpty()) {
                hosts.add(new HostRoute(rule.getHost(), paths, tlsHosts.contains(rule.getHost())));
            }
        }
        return hosts;
    }

    private static List<PathRoute> paths(IngressRule rule, IngressBackend defaultBackend) {
        List<PathRoute> paths = new ArrayList<>();
        if (rule.getHttp() != null && rule.getHttp().getPaths() != null) {
            for (HTTPIngressPath path : rule.getHttp().getPaths()) {
                route(path.getPath() == null ? "/" : path.getPath(), path.getPathType(), path.getBackend()).ifPresent(paths::add);
            }
        }
        if (paths.isEmpty() && defaultBackend != null) {
            route("/", "Prefix", defaultBackend).ifPresent(paths::add);
        }
        return paths;
    }

    private static Optional<PathRoute> route(String path, String pathType, IngressBackend backend) {
        IngressServiceBackend service = backend == null ? null : backend.getService();
        if (service == null || service.getPort() == null) {
            return Optional.empty();
        }
        return Optional.of(new PathRoute(path, pathType == null ? "Prefix" : pathType, service.getName(),
                service.getPort().getNumber(), service.getPort().getName()));
    }
}
