package dev.burrow.k8s;

import dev.burrow.agent.BurrowSession;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

import java.util.ArrayList;
import java.util.List;

/**
 * Watches the Ingresses of class {@code ingressClass} in the given namespaces (all when none are given) and
 * serves each of their hosts through the Burrow session, writing the public hostnames into their status.
 *
 * <pre>{@code
 * try (BurrowIngressController controller = BurrowIngressController.start(client, session,
 *         ServiceUpstreams.clusterDns(), "burrow", List.of("shop"))) { ... }
 * }</pre>
 */
public final class BurrowIngressController implements AutoCloseable {
    /** How often the informers replay every Ingress, so that a bind that failed is tried again. */
    static final long RESYNC_MILLIS = 60_000;

    private final IngressEndpoints endpoints;
    private final List<SharedIndexInformer<Ingress>> informers = new ArrayList<>();

    private BurrowIngressController(IngressEndpoints endpoints) {
        this.endpoints = endpoints;
    }

    public static BurrowIngressController start(KubernetesClient client, BurrowSession session, ServiceUpstreams upstreams,
                                                String ingressClass, List<String> namespaces) {
        BurrowIngressController controller = new BurrowIngressController(
                new IngressEndpoints(client, session, upstreams, ingressClass));
        ResourceEventHandler<Ingress> handler = controller.handler();
        if (namespaces.isEmpty()) {
            controller.informers.add(client.network().v1().ingresses().inAnyNamespace().inform(handler, RESYNC_MILLIS));
        } else {
            for (String namespace : namespaces) {
                controller.informers.add(client.network().v1().ingresses().inNamespace(namespace).inform(handler, RESYNC_MILLIS));
            }
        }
        return controller;
    }

    private ResourceEventHandler<Ingress> handler() {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(Ingress ingress) {
                endpoints.changed(ingress);
            }

            @Override
            public void onUpdate(Ingress before, Ingress after) {
                endpoints.changed(after);
            }

            @Override
            public void onDelete(Ingress ingress, boolean finalStateUnknown) {
                endpoints.deleted(ingress);
            }
        };
    }

    /** Stops watching, then closes every endpoint (the session stays open: it is the caller's). */
    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::close);
        endpoints.close();
    }
}
