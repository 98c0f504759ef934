package dev.burrow.edge.chain;

import dev.burrow.edge.registry.Endpoint;
import dev.burrow.policy.TrafficPolicy;

/**
 * What runs for an endpoint in each phase: the cluster's policy, the tenant's, then the endpoint's own, as one
 * {@link LayeredPolicy} whose decisions are counted and logged. An endpoint without any of the three costs nothing:
 * {@link TrafficPolicy#none()}.
 */
public final class PolicyLayers {
    private final OperatorPolicies operators;
    private final EndpointPolicies endpoints;
    private final PolicyDecisions decisions;

    public PolicyLayers(OperatorPolicies operators, EndpointPolicies endpoints, PolicyDecisions decisions) {
        this.operators = operators;
        this.endpoints = endpoints;
        this.decisions = decisions;
    }

    public TrafficPolicy of(Endpoint endpoint) {
        TrafficPolicy cluster = operators.cluster();
        TrafficPolicy tenant = operators.tenantOf(endpoint);
        TrafficPolicy own = endpoints.of(endpoint);
        if (cluster.isEmpty() && tenant.isEmpty() && own.isEmpty()) {
            return TrafficPolicy.none();
        }
        return new LayeredPolicy(new TrafficPolicy[]{cluster, tenant, own}, endpoint, decisions);
    }
}
