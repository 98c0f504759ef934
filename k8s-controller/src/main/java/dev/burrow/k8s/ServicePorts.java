package dev.burrow.k8s;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** A Service port given by number, or by name looked up on the Service (a blocking API read: call it off event loops). */
final class ServicePorts {
    private final KubernetesClient client;

    ServicePorts(KubernetesClient client) {
        this.client = client;
    }

    /** {@code number} when given, else the port named {@code name} on the Service; empty when there is none. */
    Optional<Integer> resolve(String namespace, String service, Integer number, String name) {
        if (number != null) {
            return Optional.of(number);
        }
        Service found = client.services().inNamespace(namespace).withName(service).get();
        return Optional.ofNullable(found).map(s -> s.getSpec().getPorts()).orElse(List.of()).stream()
                .filter(p -> Objects.equals(p.getName(), name)).map(ServicePort::getPort).findFirst();
    }
}
