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
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Watches, in the given namespaces, the controller's Ingresses, LoadBalancer Services and BurrowEndpoints (and the
 * ConfigMaps that hold their traffic policies), and serves them all through one Burrow session ({@link SessionEndpoints}),
 * every endpoint with pooling, so that several replicas serve the same names side by side.
 *
 * <pre>{@code
 * try (BurrowController controller = BurrowController.start(client, session, ServiceUpstreams.clusterDns(),
 *         ControllerSettings.defaults(List.of("shop")))) { ... }
 * }</pre>
 *
 * With several replicas, each {@link #startReplica starts as a replica} (serving, writing no status) and writes status
 * only while it leads ({@link #writeStatus}), so that the objects' status has one writer.
 */
public final class BurrowController implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BurrowController.class);
    /** How often the informers replay every object, so that a bind that failed (a name taken) is tried again. */
    static final long RESYNC_MILLIS = 60_000;

    private final SessionEndpoints endpoints;
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();
    private final List<SharedIndexInformer<Ingress>> ingressInformers = new ArrayList<>();
    /** Each informer's objects handed to its handler again: what a replica that starts writing status replays. */
    private final List<Runnable> replays = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile IngressClasses classes = new IngressClasses(Set.of(), false);
    private volatile boolean writesStatus;

    private BurrowController(SessionEndpoints endpoints, boolean writesStatus) {
        this.endpoints = endpoints;
        this.writesStatus = writesStatus;
    }

    /** The only controller: serves and writes the status of what it serves. */
    public static BurrowController start(KubernetesClient client, BurrowSession session, ServiceUpstreams upstreams,
                                         ControllerSettings settings) {
        return start(client, session, upstreams, settings, true);
    }

    /** One of several replicas: serves (pooled with the others), and writes no status until {@link #writeStatus}. */
    public static BurrowController startReplica(KubernetesClient client, BurrowSession session, ServiceUpstreams upstreams,
                                                ControllerSettings settings) {
        return start(client, session, upstreams, settings, false);
    }

    private static BurrowController start(KubernetesClient client, BurrowSession session, ServiceUpstreams upstreams,
                                          ControllerSettings settings, boolean writesStatus) {
        BurrowController controller = new BurrowController(new SessionEndpoints(session), writesStatus);
        controller.watch(client, upstreams, settings);
        return controller;
    }

    /**
     * Makes this replica the writer of status (while it leads) and looks at every object again, so that the status
     * says what is served now; closing the result stops the writing. The endpoints are not touched.
     */
    public AutoCloseable writeStatus() {
        writesStatus = true;
        List.copyOf(replays).forEach(Runnable::run);
        return () -> writesStatus = false;
    }

    /** Whether this controller writes status now. */
    public boolean writesStatus() {
        return writesStatus;
    }

    private void watch(KubernetesClient client, ServiceUpstreams upstreams, ControllerSettings settings) {
        BooleanSupplier statusWriter = this::writesStatus;
        KubernetesEvents events = new KubernetesEvents(client);
        IngressEndpoints ingresses = new IngressEndpoints(client, endpoints, upstreams, () -> classes, statusWriter);
        SharedIndexInformer<IngressClass> classInformer = client.network().v1().ingressClasses().runnableInformer(RESYNC_MILLIS);
        classInformer.addEventHandler(handler(c -> classesChanged(classInformer, settings, ingresses), c -> classesChanged(classInformer, settings, ingresses)));
        informers.add(classInformer);
        classInformer.run();
        for (String namespace : namespaces(settings)) {
            ingressInformers.add(inform(client.network().v1().ingresses(), namespace, ingresses::changed, ingresses::deleted));
            LoadBalancerServices services = new LoadBalancerServices(client, endpoints, upstreams, settings.loadBalancerClass(), statusWriter, events);
            inform(client.services(), namespace, services::changed, services::deleted);
            BurrowEndpoints custom = new BurrowEndpoints(client, endpoints, upstreams, statusWriter, events);
            try {
                SharedIndexInformer<BurrowEndpoint> all = inform(client.resources(BurrowEndpoint.class), namespace,
                        custom::changed, custom::deleted);
                inform(client.configMaps(), namespace, m -> custom.configMapChanged(m, all.getStore().list()),
                        m -> custom.configMapChanged(m, all.getStore().list()));
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
            MixedOperation<T, L, ? extends Resource<T>> kind, String namespace, Consumer<T> changed, Consumer<T> deleted) {
        ResourceEventHandler<T> handler = handler(changed, deleted);
        SharedIndexInformer<T> informer = namespace == null ? kind.inAnyNamespace().inform(handler, RESYNC_MILLIS)
                : kind.inNamespace(namespace).inform(handler, RESYNC_MILLIS);
        informers.add(informer);
        replays.add(() -> informer.getStore().list().forEach(changed));
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

    /**
     * Stops watching and lets the changes under way finish, leaving the endpoints bound: a replica that stops then
     * closes its session, whose goodbye frees its endpoints at the edge at once (the other replicas' members of each
     * pool take every new exchange) while the exchanges in flight finish. Unbinding each endpoint first would instead
     * cut the exchanges in flight on it.
     */
    public void stopWatching() {
        informers.forEach(SharedIndexInformer::close);
        endpoints.drain();
    }

    /** Stops watching, then closes every endpoint (the session stays open: it is the caller's). */
    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::close);
        endpoints.close();
    }
}
