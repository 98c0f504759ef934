package dev.burrow.edge.chain;

import dev.burrow.edge.registry.Endpoint;
import dev.burrow.policy.TrafficPolicy;

/**
 * The policies the edge's administrators set above the endpoints' own: the cluster's, then the endpoint's tenant's.
 * Both run before the endpoint's policy in every phase. Answers from this node's copy (no call into the cluster).
 */
public interface OperatorPolicies {
    OperatorPolicies NONE = new OperatorPolicies() {
        @Override
        public TrafficPolicy cluster() {
            return TrafficPolicy.none();
        }

        @Override
        public TrafficPolicy tenantOf(Endpoint endpoint) {
            return TrafficPolicy.none();
        }
    };

    TrafficPolicy cluster();

    /** The policy of the tenant that owns {@code endpoint}. */
    TrafficPolicy tenantOf(Endpoint endpoint);
}
