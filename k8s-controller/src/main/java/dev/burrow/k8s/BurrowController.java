package dev.burrow.k8s;

import dev.burrow.agent.BurrowSession;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Watches, in the given namespaces, the controller's Ingresses, LoadBalancer Services and BurrowEndpoints (and the
 * ConfigMaps that hold their traffic policies), and serves them all through one Burrow session ({@link SessionEndpoints}).
 *
 * <pre>{@code
 * try (BurrowController controller = BurrowController.start(client, session, ServiceUpstreams.clusterDns(),
 *         ControllerSettings.defaults(List.of("shop")))) { ... }
 * }</pre>
 */
public final class BurrowController implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BurrowController.class);
    /** How often the informers replay every object, so that a bind that failed (a name taken) is tried again. */
    static final long RESYNC_MILLIS = 60_000;

    private final SessionEndpoints endpoints;
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    private final List<SharedIndexInformer<Ingress>> ingressInformers = new ArrayList<>();
    private volatile IngressClasses classes = new IngressClasses(Set.of(), false);

    private BurrowController(SessionEndpoints endpoints) {
        this.endpoints = endpoints;
    }

    public static BurrowController start(KubernetesClient client, BurrowSession session, ServiceUpstreams upstreams,
                                         ControllerSettings settings) {
        BurrowController controller = new BurrowController(new SessionEndpoints(session));
        controller.watch(client, upstreams, settings);
        return controller;
    }

    private void watch(KubernetesClient client, ServiceUpstreams upstreams, ControllerSettings settings) {
        IngressEndpoints ingresses = new IngressEndpoints(client, endpoints, upstreams, () -> classes);
        SharedIndexInformer<IngressClass> classInformer = client.network().v1().ingressClasses().runnableInformer(RESYNC_MILLIS);
        classInformer.addEventHandler(handler(c -> classesChanged(classInformer, settings, ingresses), c -> classesChanged(classInformer, settings, ingresses)));
        informers.add(classInformer);
        classInformer.run();
        for (String namespace : namespaces(settings)) {
            ingressInformers.add(inform(client.network().v1().ingresses(), namespace, handler(ingresses::changed, ingresses::deleted)));
            LoadBalancerServices services = new LoadBalancerServices(client, endpoints, upstreams, settings.loadBalancerClass());
            inform(client.services(), namespace, handler(services::changed, services::deleted));
            BurrowEndpoints custom = new BurrowEndpoints(client, endpoints, upstreams);
            try {
                SharedIndexInformer<BurrowEndpoint> all = inform(client.resources(BurrowEndpoint.class), namespace,
                        handler(custom::changed, custom::deleted));
                inform(client.configMaps(), namespace, handler(m -> custom.configMapChanged(m, all.getStore().list()),
                        m -> custom.configMapChanged(m, all.getStore().list())));
            } catch (KubernetesClientException e) {
                LOG.warn("BurrowEndpoints are not served in {}: {} (is the CRD deploy/kubernetes/crd-burrowendpoint.yaml installed?)",
                        namespace == null ? "any namespace" : namespace, e.getMessage());
            }
        }
    }

    /** The classes changed: every Ingress is looked at again, as it may have become ours or stopped being ours. */
    private void classesChanged(SharedIndexInformer<IngressClass> informer, ControllerSettings settings, IngressEndpoints ingresses) {
        IngressClasses now = IngressClasses.of(informer.getStore().list(), settings.controllerName());
        if (!now.equals(classes)) {
            classes = now;
            ingressInformers.forEach(i -> i.getStore().list().forEach(ingresses::changed));
        }
    }

    private static List<String> namespaces(ControllerSettings settings) {
        return settings.namespaces().isEmpty() ? Collections.singletonList(null) : settings.namespaces();
    }

    private <T extends HasMetadata, L extends KubernetesResourceList<T>> SharedIndexInformer<T> inform(
            MixedOperation<T, L, ? extends Resource<T>> kind, String namespace, ResourceEventHandler<T> handler) {
        SharedIndexInformer<T> informer = namespace == null ? kind.inAnyNamespace().inform(handler, RESYNC_MILLIS)
                : kind.inNamespace(namespace).inform(handler, RESYNC_MILLIS);
        informers.add(informer);
        return informer;
    }

    private static <T> ResourceEventHandler<T> handler(Consumer<T> changed, Consumer<T> deleted) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T object) {
                changed.accept(object);
            }

            @Override
            public void onUpdate(T before, T after) {
                changed.accept(after);
            }

            @Override
            public void onDelete(T object, boolean finalStateUnknown) {
                deleted.accept(object);
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
