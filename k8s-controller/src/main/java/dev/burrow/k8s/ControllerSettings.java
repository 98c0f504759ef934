package dev.burrow.k8s;

import java.util.List;

/**
 * What the controller serves: Ingresses of the IngressClasses whose {@code spec.controller} is {@code controllerName},
 * Services of type LoadBalancer whose {@code spec.loadBalancerClass} is {@code loadBalancerClass}, and every
 * BurrowEndpoint, in {@code namespaces} (every namespace when empty).
 */
public record ControllerSettings(String controllerName, String loadBalancerClass, List<String> namespaces) {
    public static final String DEFAULT_CONTROLLER_NAME = "burrow.dev/ingress-controller";
    public static final String DEFAULT_LOAD_BALANCER_CLASS = "burrow.dev/tunnel";

    public ControllerSettings {
        namespaces = List.copyOf(namespaces);
        if (controllerName == null || controllerName.isBlank() || loadBalancerClass == null || loadBalancerClass.isBlank()) {
            throw new IllegalArgumentException("the controller name and the load balancer class must not be empty");
        }
    }

    /** The default names, in {@code namespaces}. */
    public static ControllerSettings defaults(List<String> namespaces) {
        return new ControllerSettings(DEFAULT_CONTROLLER_NAME, DEFAULT_LOAD_BALANCER_CLASS, namespaces);
    }
}
