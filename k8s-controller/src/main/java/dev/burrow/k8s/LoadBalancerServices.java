package dev.burrow.k8s;

import dev.burrow.agent.BurrowSession;
import dev.burrow.agent.Forwarder;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.LoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.LoadBalancerStatus;
import io.fabric8.kubernetes.api.model.PortStatus;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Future;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Serves Services of {@code type: LoadBalancer} whose {@code spec.loadBalancerClass} is the controller's, as a cloud
 * load balancer would: one public TCP port on the edge per TCP port of the Service (pooled, so that every replica of the
 * controller serves it), piped to the Service's port, and
 * the edge's address with those public ports in {@code status.loadBalancer.ingress}. A Service that is deleted, or
 * whose type or class changes, loses its ports and its status.
 */
final class LoadBalancerServices {
    private final KubernetesClient client;
    private final SessionEndpoints endpoints;
    private final ServiceUpstreams upstreams;
    private final String loadBalancerClass;
    private final BooleanSupplier writesStatus;

    /**
     * A pooled public TCP port piped to {@code upstream} ("host:port"): {@code port}, or when that is 0 the Service's own
     * port number ({@code requested}) if the edge can give it (it is in the edge's range and free), else one the edge
     * picks.
     */
    record PortWish(String upstream, int port, int requested) implements EndpointWish {
        @Override
        public Future<Forwarder> bind(BurrowSession session) {
            if (port != 0 || requested == 0) {
                return session.tcpEndpoint().port(port).pooling(true).forward(upstream);
            }
            return session.tcpEndpoint().port(requested).pooling(true).forward(upstream)
                    .recover(refused -> session.tcpEndpoint().port(0).pooling(true).forward(upstream));
        }

        /** The port the edge picked for a wish of any port is the port a wish naming it asks for. */
        @Override
        public boolean servedBy(EndpointWish bound, Forwarder forwarder) {
            return bound instanceof PortWish other && other.upstream.equals(upstream)
                    && (port == 0 || port == URI.create(forwarder.publicUrl()).getPort());
        }

        @Override
        public String toString() {
            return upstream;
        }
    }

    LoadBalancerServices(KubernetesClient client, SessionEndpoints endpoints, ServiceUpstreams upstreams,
                         String loadBalancerClass, BooleanSupplier writesStatus) {
        this.client = client;
        this.endpoints = endpoints;
        this.upstreams = upstreams;
        this.loadBalancerClass = loadBalancerClass;
        this.writesStatus = writesStatus;
    }

    /** The TCP ports the Service asks this controller to serve: none unless it is a LoadBalancer of {@code lbClass}. */
    static List<ServicePort> servedPorts(Service service, String lbClass) {
        if (service.getSpec() == null || !"LoadBalancer".equals(service.getSpec().getType())
                || !lbClass.equals(service.getSpec().getLoadBalancerClass()) || service.getSpec().getPorts() == null) {
            return List.of();
        }
        return service.getSpec().getPorts().stream()
                .filter(p -> p.getProtocol() == null || "TCP".equals(p.getProtocol())).toList();
    }

    void changed(Service service) {
        endpoints.submit(key(service), () -> reconcile(service));
    }

    void deleted(Service service) {
        endpoints.submit(key(service), () -> endpoints.apply(key(service), Map.of()));
    }

    /**
     * Each served port's public port: the one the status names (the entries are in the order of the served ports),
     * else, for the status writer, the Service's own port number if the edge can give it, or any port the edge picks; a replica that does not write status binds a port only once
     * the status names it, so that all replicas serve the same port (pooled).
     */
    private void reconcile(Service service) {
        Map<String, PortWish> wishes = new LinkedHashMap<>();
        List<ServicePort> served = servedPorts(service, loadBalancerClass);
        List<Integer> named = publicPorts(statusIngress(service));
        for (int i = 0; i < served.size(); i++) {
            ServicePort port = served.get(i);
            int publicPort = named.size() == served.size() ? named.get(i) : 0;
            if (publicPort == 0 && !writesStatus.getAsBoolean()) {
                continue;
            }
            URI upstream = upstreams.uri(service.getMetadata().getNamespace(), service.getMetadata().getName(), port.getPort());
            wishes.put("port " + port.getPort(), new PortWish(upstream.getHost() + ":" + upstream.getPort(), publicPort, port.getPort()));
        }
        List<LoadBalancerIngress> ingress = new ArrayList<>();
        endpoints.apply(key(service), wishes).values().stream().filter(SessionEndpoints.Outcome::bound)
                .map(o -> URI.create(o.forwarder().publicUrl())).forEach(url -> add(ingress, url));
        writeStatus(service, ingress);
    }

    /** Adds the public port of {@code url} to the entry of its host, which is a hostname or an IP address. */
    private static void add(List<LoadBalancerIngress> ingress, URI url) {
        PortStatus port = new PortStatus(null, url.getPort(), "TCP");
        boolean ip = url.getHost().matches("[0-9.]+|\\[?[0-9a-fA-F:]+]?");
        for (LoadBalancerIngress entry : ingress) {
            if (url.getHost().equals(ip ? entry.getIp() : entry.getHostname())) {
                entry.getPorts().add(port);
                return;
            }
        }
        LoadBalancerIngressBuilder entry = new LoadBalancerIngressBuilder().withPorts(new ArrayList<>(List.of(port)));
        ingress.add(ip ? entry.withIp(url.getHost()).build() : entry.withHostname(url.getHost()).build());
    }

    private void writeStatus(Service service, List<LoadBalancerIngress> ingress) {
        if (!writesStatus.getAsBoolean()) {
            return;
        }
        var resource = client.services().inNamespace(service.getMetadata().getNamespace());
        Service current = resource.withName(service.getMetadata().getName()).get();
        if (current == null || addresses(ingress).equals(addresses(statusIngress(current)))) {
            return;
        }
        current.setStatus(new ServiceStatus(List.of(), new LoadBalancerStatus(ingress)));
        resource.resource(current).updateStatus();
    }

    static List<LoadBalancerIngress> statusIngress(Service service) {
        return Optional.ofNullable(service.getStatus()).map(ServiceStatus::getLoadBalancer)
                .map(LoadBalancerStatus::getIngress).orElse(List.of());
    }

    /** The public ports of a status, in its order. */
    static List<Integer> publicPorts(List<LoadBalancerIngress> ingress) {
        return ingress.stream().flatMap(entry -> Optional.ofNullable(entry.getPorts()).orElse(List.of()).stream())
                .map(PortStatus::getPort).toList();
    }

    /** Each public address as "host:port/protocol": what the status says, whatever else the API server added. */
    static List<String> addresses(List<LoadBalancerIngress> ingress) {
        List<String> addresses = new ArrayList<>();
        for (LoadBalancerIngress entry : ingress) {
            String host = entry.getHostname() != null ? entry.getHostname() : entry.getIp();
            Optional.ofNullable(entry.getPorts()).orElse(List.of())
                    .forEach(p -> addresses.add(host + ":" + p.getPort() + "/" + p.getProtocol()));
        }
        return addresses;
    }

    private static String key(Service service) {
        return "service " + service.getMetadata().getNamespace() + "/" + service.getMetadata().getName();
    }
}
