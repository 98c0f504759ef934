package dev.burrow.k8s;

import dev.burrow.agent.BurrowSession;
import dev.burrow.agent.Forwarder;
import io.fabric8.kubernetes.api.model.Condition;
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
import java.util.HashMap;
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
    private final KubernetesEvents events;
    /**
     * Why the edge did not give a Service port its own number, by "resource port": the edge's sentence, kept for the
     * status condition. Used on the worker thread only.
     */
    private final Map<String, String> refusals = new HashMap<>();

    /** A pooled public TCP port piped to {@code upstream} ("host:port"): {@code port}, or any port the edge picks (0). */
    record PortWish(String upstream, int port) implements EndpointWish {
        @Override
        public Future<Forwarder> bind(BurrowSession session) {
            return session.tcpEndpoint().port(port).pooling(true).forward(upstream);
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
                         String loadBalancerClass, BooleanSupplier writesStatus, KubernetesEvents events) {
        this.client = client;
        this.endpoints = endpoints;
        this.upstreams = upstreams;
        this.loadBalancerClass = loadBalancerClass;
        this.writesStatus = writesStatus;
        this.events = events;
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
        endpoints.submit(key(service), () -> {
            endpoints.apply(key(service), Map.of());
            refusals.keySet().removeIf(port -> port.startsWith(key(service) + " "));
        });
    }

    /**
     * Each served port's public port: the one the status names (the entries are in the order of the served ports),
     * else, for the status writer, the Service's own port number if the edge gives it (it is in the edge's range and
     * free), or else any port the edge picks, the edge's refusal kept for the condition; a replica that does not write
     * status binds a port only once the status names it, so that all replicas serve the same port (pooled).
     */
    private void reconcile(Service service) {
        String key = key(service);
        List<ServicePort> served = servedPorts(service, loadBalancerClass);
        List<Integer> named = publicPorts(statusIngress(service));
        refusals.keySet().removeIf(port -> port.startsWith(key + " ") && served.stream().noneMatch(p -> port.equals(key + " " + p.getPort())));
        Map<String, PortWish> wishes = new LinkedHashMap<>();
        Map<String, ServicePort> byName = new LinkedHashMap<>();
        for (int i = 0; i < served.size(); i++) {
            ServicePort port = served.get(i);
            int publicPort = named.size() == served.size() ? named.get(i) : 0;
            if (publicPort == 0 && !writesStatus.getAsBoolean()) {
                continue;
            }
            URI upstream = upstreams.uri(service.getMetadata().getNamespace(), service.getMetadata().getName(), port.getPort());
            int wanted = publicPort != 0 ? publicPort : refusals.containsKey(key + " " + port.getPort()) ? 0 : port.getPort();
            wishes.put("port " + port.getPort(), new PortWish(upstream.getHost() + ":" + upstream.getPort(), wanted));
            byName.put("port " + port.getPort(), port);
        }
        Map<String, SessionEndpoints.Outcome> outcomes = endpoints.apply(key, wishes);
        if (fallBackToAnyPort(key, wishes, byName, outcomes)) {
            outcomes = endpoints.apply(key, wishes);
        }
        List<LoadBalancerIngress> ingress = new ArrayList<>();
        List<PublicPortsCondition.Port> ports = new ArrayList<>();
        for (Map.Entry<String, SessionEndpoints.Outcome> outcome : outcomes.entrySet()) {
            if (outcome.getValue().bound()) {
                URI url = URI.create(outcome.getValue().forwarder().publicUrl());
                add(ingress, url);
                ServicePort port = byName.get(outcome.getKey());
                ports.add(new PublicPortsCondition.Port(port.getPort(), port.getName(), url.getPort(), refusals.get(key + " " + port.getPort())));
            }
        }
        writeStatus(service, ingress, ports);
    }

    /**
     * Turns each wish for a Service's own port number that the edge refused into a wish for any port, keeping the
     * edge's sentence; true when there is one.
     */
    private boolean fallBackToAnyPort(String key, Map<String, PortWish> wishes, Map<String, ServicePort> byName,
                                      Map<String, SessionEndpoints.Outcome> outcomes) {
        boolean any = false;
        for (Map.Entry<String, SessionEndpoints.Outcome> outcome : outcomes.entrySet()) {
            PortWish wish = wishes.get(outcome.getKey());
            int asked = byName.get(outcome.getKey()).getPort();
            if (!outcome.getValue().bound() && wish.port() == asked && !refusals.containsKey(key + " " + asked)) {
                refusals.put(key + " " + asked, String.valueOf(outcome.getValue().error()));
                wishes.put(outcome.getKey(), new PortWish(wish.upstream(), 0));
                any = true;
            }
        }
        return any;
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

    /**
     * Writes the public addresses and the {@link PublicPortsCondition} (other conditions stay), and records an Event
     * when the condition turns to saying that a port is not the Service's own.
     */
    private void writeStatus(Service service, List<LoadBalancerIngress> ingress, List<PublicPortsCondition.Port> ports) {
        if (!writesStatus.getAsBoolean()) {
            return;
        }
        var resource = client.services().inNamespace(service.getMetadata().getNamespace());
        Service current = resource.withName(service.getMetadata().getName()).get();
        if (current == null) {
            return;
        }
        Condition before = portsCondition(current).orElse(null);
        Condition after = PublicPortsCondition.of(ports, before, current.getMetadata().getGeneration()).orElse(null);
        if (addresses(ingress).equals(addresses(statusIngress(current))) && PublicPortsCondition.same(before, after)) {
            return;
        }
        List<Condition> conditions = new ArrayList<>(Optional.ofNullable(current.getStatus()).map(ServiceStatus::getConditions)
                .orElse(List.of()).stream().filter(c -> !PublicPortsCondition.TYPE.equals(c.getType())).toList());
        Optional.ofNullable(after).ifPresent(conditions::add);
        current.setStatus(new ServiceStatus(conditions, new LoadBalancerStatus(ingress)));
        resource.resource(current).updateStatus();
        if (after != null && PublicPortsCondition.PICKED.equals(after.getReason()) && !PublicPortsCondition.same(before, after)) {
            events.record(current, KubernetesEvents.WARNING, PublicPortsCondition.PICKED, after.getMessage());
        }
    }

    static Optional<Condition> portsCondition(Service service) {
        return Optional.ofNullable(service.getStatus()).map(ServiceStatus::getConditions).orElse(List.of()).stream()
                .filter(c -> PublicPortsCondition.TYPE.equals(c.getType())).findFirst();
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
