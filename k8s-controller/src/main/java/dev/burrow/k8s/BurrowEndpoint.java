package dev.burrow.k8s;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * The {@code BurrowEndpoint} custom resource ({@code burrow.dev/v1alpha1}, CRD in
 * {@code deploy/kubernetes/crd-burrowendpoint.yaml}): one public endpoint with what an Ingress cannot say — a traffic
 * policy, pooling, a TCP port.
 */
@Group("burrow.dev")
@Version("v1alpha1")
@ShortNames("bep")
public class BurrowEndpoint extends CustomResource<BurrowEndpointSpec, BurrowEndpointStatus> implements Namespaced {
}
