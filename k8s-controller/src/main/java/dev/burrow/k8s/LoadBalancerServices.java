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

/**
 * Serves Services of {@code type: LoadBalancer} whose {@code spec.loadBalancerClass} is the controller's, as a cloud
 * load balancer would: one public TCP port on the edge per TCP port of the Service, piped to the Service's port, and
 * the edge's address with those public ports in {@code status.loadBalancer.ingress}. A Service that is deleted, or
 * whose type or class changes, loses its ports and its status.
 */
final class LoadBalancerServices {
    private final KubernetesClient client;
    private final SessionEndpoints endpoints;
    private final ServiceUpstreams upstreams;
    private final String loadBalancerClass;

    /** A public TCP port piped to {@code upstream} ("host:port"). */
    private record PortWish(String upstream) implements EndpointWish {
        @Override
        public Future<Forwarder> bind(BurrowSession session) {
            return session.tcpEndpoint().forward(upstream);
        }

        @Override
        public String toString() {
            return upstream;
        }
    }

    LoadBalancerServices(KubernetesClient client, SessionEndpoints endpoints, ServiceUpstreams upstreams,
                         String loadBalancerClass) {
        this.client = client;
        this.endpoints = endpoints;
        this.upstreams = upstreams;
        this.loadBalancerClass = loadBalancerClass;
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

    private void reconcile(Service service) {
        Map<String, PortWish> wishes = new LinkedHashMap<>();
        for (ServicePort port : servedPorts(service, loadBalancerClass)) {
            URI upstream = upstreams.uri(service.getMetadata().getNamespace(), service.getMetadata().getName(), port.getPort());
            wishes.put("port " + port.getPort(), new PortWish(upstream.getHost() + ":" + upstream.getPort()));
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
