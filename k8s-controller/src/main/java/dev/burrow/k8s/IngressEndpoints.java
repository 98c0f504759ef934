package dev.burrow.k8s;

import dev.burrow.agent.BurrowSession;
import dev.burrow.agent.Forwarder;
import dev.burrow.agent.HttpEndpointBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressStatus;
import io.fabric8.kubernetes.api.model.networking.v1.IngressStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The endpoints that serve the Ingresses, all on one session: each change of an Ingress re-binds only the hosts
 * whose upstream changed and leaves the others (of this and every other Ingress) bound; then the public hostnames
 * go into the Ingress's {@code status.loadBalancer.ingress}. Changes are applied one at a time on one worker
 * thread, so the SDK's futures are awaited there and never on an event loop or an informer thread.
 */
final class IngressEndpoints implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngressEndpoints.class);
    private static final long AWAIT_SECONDS = 30;

    private final KubernetesClient client;
    private final BurrowSession session;
    private final ServiceUpstreams upstreams;
    private final String ingressClass;
    private final Map<String, Map<String, Bound>> boundByIngress = new HashMap<>();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "burrow-ingress-endpoints");
        thread.setDaemon(true);
        return thread;
    });

    /** A bound host: its endpoint and the upstreams it was bound with. */
    private record Bound(Forwarder forwarder, HostUpstreams upstreams) {
    }

    IngressEndpoints(KubernetesClient client, BurrowSession session, ServiceUpstreams upstreams, String ingressClass) {
        this.client = client;
        this.session = session;
        this.upstreams = upstreams;
        this.ingressClass = ingressClass;
    }

    void changed(Ingress ingress) {
        worker.execute(() -> guarded(ingress, () -> reconcile(ingress)));
    }

    void deleted(Ingress ingress) {
        worker.execute(() -> guarded(ingress, () -> unbind(key(ingress), Map.of())));
    }

    private void reconcile(Ingress ingress) {
        Map<String, HostUpstreams> desired = desiredUpstreams(ingress);
        Map<String, Bound> bound = unbind(key(ingress), desired);
        for (Map.Entry<String, HostUpstreams> host : desired.entrySet()) {
            if (!bound.containsKey(host.getKey())) {
                try {
                    HttpEndpointBuilder endpoint = session.httpEndpoint().hostname(host.getKey());
                    host.getValue().routes().forEach(route -> endpoint.route(route.getKey(), route.getValue()));
                    Forwarder forwarder = await(endpoint.forward(host.getValue().fallback()));
                    bound.put(host.getKey(), new Bound(forwarder, host.getValue()));
                    LOG.info("ingress {}: {} -> {}", key(ingress), forwarder.publicUrl(), host.getValue());
                } catch (RuntimeException e) {
                    LOG.warn("ingress {}: cannot bind {}: {}", key(ingress), host.getKey(), e.getMessage());
                }
            }
        }
        if (bound.isEmpty()) {
            boundByIngress.remove(key(ingress));
        } else {
            boundByIngress.put(key(ingress), bound);
        }
        writeStatus(ingress, bound.keySet().stream().sorted().toList());
    }

    /** Closes the endpoints of the Ingress that {@code keep} does not map to the same upstreams; returns the rest. */
    private Map<String, Bound> unbind(String ingressKey, Map<String, HostUpstreams> keep) {
        Map<String, Bound> bound = new LinkedHashMap<>(boundByIngress.getOrDefault(ingressKey, Map.of()));
        for (Iterator<Map.Entry<String, Bound>> it = bound.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Bound> entry = it.next();
            if (!entry.getValue().upstreams().equals(keep.get(entry.getKey()))) {
                await(entry.getValue().forwarder().close());
                LOG.info("ingress {}: unbound {}", ingressKey, entry.getKey());
                it.remove();
            }
        }
        if (bound.isEmpty()) {
            boundByIngress.remove(ingressKey);
        }
        return bound;
    }

    /** Each host's upstreams: every path rule to its Service port; a path whose Service port cannot be found is left out. */
    private Map<String, HostUpstreams> desiredUpstreams(Ingress ingress) {
        Map<String, HostUpstreams> desired = new LinkedHashMap<>();
        String namespace = ingress.getMetadata().getNamespace();
        for (IngressRoutes.HostRoute host : IngressRoutes.of(ingress, ingressClass)) {
            URI slash = null;
            URI first = null;
            Map<String, URI> prefixes = new LinkedHashMap<>();
            for (IngressRoutes.PathRoute route : host.paths()) {
                Optional<Integer> port = portNumber(namespace, route);
                if (port.isEmpty()) {
                    LOG.warn("ingress {}: Service {} has no port named {}", key(ingress), route.service(), route.portName());
                    continue;
                }
                URI upstream = upstreams.uri(namespace, route.service(), port.get());
                first = first == null ? upstream : first;
                if ("/".equals(route.path())) {
                    slash = slash == null ? upstream : slash;
                } else {
                    prefixes.putIfAbsent(route.path(), upstream);
                }
            }
            URI fallback = slash != null ? slash : first;
            if (fallback != null) {
                desired.put(host.host(), new HostUpstreams(fallback,
                        prefixes.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue())).toList()));
            }
        }
        return desired;
    }

    private Optional<Integer> portNumber(String namespace, IngressRoutes.PathRoute route) {
        if (route.portNumber() != null) {
            return Optional.of(route.portNumber());
        }
        Service service = client.services().inNamespace(namespace).withName(route.service()).get();
        return Optional.ofNullable(service).map(s -> s.getSpec().getPorts()).orElse(List.of()).stream()
                .filter(p -> Objects.equals(p.getName(), route.portName())).map(ServicePort::getPort).findFirst();
    }

    private void writeStatus(Ingress ingress, List<String> hosts) {
        List<IngressLoadBalancerIngress> entries = new ArrayList<>();
        for (String host : hosts) {
            entries.add(new IngressLoadBalancerIngressBuilder().withHostname(host).build());
        }
        IngressStatus wanted = new IngressStatusBuilder().withNewLoadBalancer().withIngress(entries).endLoadBalancer().build();
        Ingress current = client.network().v1().ingresses().inNamespace(ingress.getMetadata().getNamespace())
                .withName(ingress.getMetadata().getName()).get();
        if (current == null || wanted.equals(current.getStatus())) {
            return;
        }
        current.setStatus(wanted);
        client.network().v1().ingresses().inNamespace(current.getMetadata().getNamespace()).resource(current).updateStatus();
    }

    private void guarded(Ingress ingress, Runnable change) {
        try {
            change.run();
        } catch (RuntimeException e) {
            LOG.warn("ingress {}: {}", key(ingress), e.toString());
        }
    }

    private static String key(Ingress ingress) {
        return ingress.getMetadata().getNamespace() + "/" + ingress.getMetadata().getName();
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(AWAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException(cause.getMessage(), cause);
        }
    }

    /** Stops taking changes and closes every endpoint. */
    @Override
    public void close() {
        worker.shutdown();
        try {
            worker.awaitTermination(AWAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (String ingress : List.copyOf(boundByIngress.keySet())) {
            unbind(ingress, Map.of());
        }
    }
}
