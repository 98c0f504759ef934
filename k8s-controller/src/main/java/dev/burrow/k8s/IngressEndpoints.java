package dev.burrow.k8s;

import dev.burrow.agent.BurrowSession;
import dev.burrow.agent.Forwarder;
import dev.burrow.agent.HttpEndpointBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressStatus;
import io.fabric8.kubernetes.api.model.networking.v1.IngressStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Serves the hosts of the controller's Ingresses, one pooled HTTP endpoint per host, and (when it writes status) writes the public hostnames into
 * each Ingress's {@code status.loadBalancer.ingress}. An Ingress that stops being the controller's (its class changed)
 * loses its endpoints and its status.
 */
final class IngressEndpoints {
    private static final Logger LOG = LoggerFactory.getLogger(IngressEndpoints.class);

    private final KubernetesClient client;
    private final SessionEndpoints endpoints;
    private final ServiceUpstreams upstreams;
    private final ServicePorts ports;
    private final Supplier<IngressClasses> classes;
    private final BooleanSupplier writesStatus;

    /**
     * A host bound with these upstreams, over HTTPS only when a TLS section names it; equal wishes keep the endpoint
     * bound. The edge terminates TLS with its own certificate for the name: the TLS section's Secret is not read.
     */
    private record HostWish(String hostname, HostUpstreams upstreams, boolean https) implements EndpointWish {
        @Override
        public Future<Forwarder> bind(BurrowSession session) {
            HttpEndpointBuilder endpoint = session.httpEndpoint().hostname(hostname).httpsOnly(https).pooling(true);
            for (HostUpstreams.Route route : upstreams.routes()) {
                if (route.exact()) {
                    endpoint.routeExact(route.path(), route.upstream());
                } else {
                    endpoint.route(route.path(), route.upstream());
                }
            }
            return upstreams.fallback() == null ? endpoint.forwardRoutes() : endpoint.forward(upstreams.fallback());
        }

        @Override
        public String toString() {
            return upstreams.toString();
        }
    }

    IngressEndpoints(KubernetesClient client, SessionEndpoints endpoints, ServiceUpstreams upstreams,
                     Supplier<IngressClasses> classes, BooleanSupplier writesStatus) {
        this.client = client;
        this.endpoints = endpoints;
        this.upstreams = upstreams;
        this.ports = new ServicePorts(client);
        this.classes = classes;
        this.writesStatus = writesStatus;
    }

    void changed(Ingress ingress) {
        endpoints.submit(key(ingress), () -> reconcile(ingress));
    }

    void deleted(Ingress ingress) {
        endpoints.submit(key(ingress), () -> endpoints.apply(key(ingress), Map.of()));
    }

    private void reconcile(Ingress ingress) {
        Map<String, SessionEndpoints.Outcome> outcomes = endpoints.apply(key(ingress), wishes(ingress));
        writeStatus(ingress, outcomes.entrySet().stream().filter(e -> e.getValue().bound()).map(Map.Entry::getKey)
                .sorted().toList());
    }

    /**
     * Each host's upstreams: every path rule to its Service port, {@code Exact} ones exactly; a path whose Service port
     * cannot be found is left out.
     */
    private Map<String, HostWish> wishes(Ingress ingress) {
        Map<String, HostWish> wishes = new LinkedHashMap<>();
        String namespace = ingress.getMetadata().getNamespace();
        for (IngressRoutes.HostRoute host : IngressRoutes.of(ingress, classes.get())) {
            URI slash = null;
            Map<String, HostUpstreams.Route> routes = new LinkedHashMap<>();
            for (IngressRoutes.PathRoute route : host.paths()) {
                Optional<Integer> port = ports.resolve(namespace, route.service(), route.portNumber(), route.portName());
                if (port.isEmpty()) {
                    LOG.warn("{}: Service {} has no port named {}", key(ingress), route.service(), route.portName());
                    continue;
                }
                URI upstream = upstreams.uri(namespace, route.service(), port.get());
                boolean exact = route.exact();
                if ("/".equals(route.path()) && !exact) {
                    slash = slash == null ? upstream : slash;
                } else {
                    routes.putIfAbsent((exact ? "= " : "") + route.path(), new HostUpstreams.Route(route.path(), exact, upstream));
                }
            }
            if (slash != null || !routes.isEmpty()) {
                wishes.put(host.host(), new HostWish(host.host(), new HostUpstreams(slash, List.copyOf(routes.values())), host.tls()));
            }
        }
        return wishes;
    }

    private void writeStatus(Ingress ingress, List<String> hosts) {
        if (!writesStatus.getAsBoolean()) {
            return;
        }
        IngressStatus wanted = new IngressStatusBuilder().withNewLoadBalancer()
                .withIngress(hosts.stream().map(h -> new IngressLoadBalancerIngressBuilder().withHostname(h).build()).toList())
                .endLoadBalancer().build();
        var resource = client.network().v1().ingresses().inNamespace(ingress.getMetadata().getNamespace());
        Ingress current = resource.withName(ingress.getMetadata().getName()).get();
        if (current == null || hosts.equals(statusHosts(current))) {
            return;
        }
        current.setStatus(wanted);
        resource.resource(current).updateStatus();
    }

    static List<String> statusHosts(Ingress ingress) {
        return Optional.ofNullable(ingress.getStatus()).map(IngressStatus::getLoadBalancer).map(lb -> lb.getIngress())
                .orElse(List.of()).stream().map(lb -> lb.getHostname()).toList();
    }

    private static String key(Ingress ingress) {
        return "ingress " + ingress.getMetadata().getNamespace() + "/" + ingress.getMetadata().getName();
    }
}
