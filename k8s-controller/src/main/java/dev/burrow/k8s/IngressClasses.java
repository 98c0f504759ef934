package dev.burrow.k8s;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which Ingresses are this controller's, as a pure function of the cluster's IngressClasses: those whose
 * {@code spec.ingressClassName} (or, on older objects, {@code kubernetes.io/ingress.class} annotation) names an
 * IngressClass whose {@code spec.controller} is this controller's name, and, when an Ingress names no class, those of
 * a cluster whose default IngressClass ({@code ingressclass.kubernetes.io/is-default-class: "true"}) is ours.
 */
record IngressClasses(Set<String> ours, boolean defaultIsOurs) {
    static final String CLASS_ANNOTATION = "kubernetes.io/ingress.class";
    static final String DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class";

    IngressClasses {
        ours = Set.copyOf(ours);
    }

    /** The classes of {@code controllerName} among {@code classes}. */
    static IngressClasses of(Collection<IngressClass> classes, String controllerName) {
        Set<IngressClass> ours = classes.stream()
                .filter(c -> c.getSpec() != null && controllerName.equals(c.getSpec().getController()))
                .collect(Collectors.toSet());
        boolean defaultIsOurs = classes.stream().filter(IngressClasses::isDefault).findFirst()
                .map(ours::contains).orElse(false);
        return new IngressClasses(ours.stream().map(c -> c.getMetadata().getName()).collect(Collectors.toSet()), defaultIsOurs);
    }

    /** Whether {@code ingress} is served by this controller. */
    boolean serves(Ingress ingress) {
        String named = ingress.getSpec() == null ? null : ingress.getSpec().getIngressClassName();
        if (named == null) {
            named = annotations(ingress.getMetadata().getAnnotations()).get(CLASS_ANNOTATION);
        }
        return named == null ? defaultIsOurs : ours.contains(named);
    }

    private static boolean isDefault(IngressClass ingressClass) {
        return "true".equals(annotations(ingressClass.getMetadata().getAnnotations()).get(DEFAULT_CLASS_ANNOTATION));
    }

    private static Map<String, String> annotations(Map<String, String> annotations) {
        return Optional.ofNullable(annotations).orElse(Map.of());
    }
}
