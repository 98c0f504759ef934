package dev.burrow.edge.chain;

import dev.burrow.edge.registry.Endpoint;
import dev.burrow.policy.TrafficPolicy;
import dev.burrow.protocol.ClientCertificates;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What runs for an endpoint in each phase: the cluster's policy, the tenant's, then the endpoint's own, as one
 * {@link LayeredPolicy} whose decisions are counted and logged. An endpoint without any of the three costs nothing:
 * {@link TrafficPolicy#none()}.
 */
public final class PolicyLayers implements EndpointTls {
    private final OperatorPolicies operators;
    private final EndpointPolicies endpoints;
    private final PolicyDecisions decisions;
    /**
     * The layered policy of each endpoint under one, kept while its layers stay the same objects, so that a connection
     * can tell "the policy whose connect phase already ran" by identity, and a request allocates no new one.
     */
    private final Map<String, LayeredPolicy> layered = new ConcurrentHashMap<>();

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
        LayeredPolicy known = layered.get(endpoint.id());
        if (known != null && known.runs(cluster, tenant, own, endpoint)) {
            return known;
        }
        LayeredPolicy fresh = new LayeredPolicy(new TrafficPolicy[]{cluster, tenant, own}, endpoint, decisions);
        layered.put(endpoint.id(), fresh);
        return fresh;
    }

    /** What the endpoint's TLS handshake asks of its visitors (docs/https.md, "Mutual TLS"), or null: nothing. */
    @Override
    public ClientCertificates clientCertificates(Endpoint endpoint) {
        return endpoints.clientCertificates(endpoint);
    }

    @Override
    public dev.burrow.policy.TlsTermination termination(Endpoint endpoint) {
        return endpoints.tlsTermination(endpoint);
    }

    /** The endpoint is gone from this node. */
    public void forget(String endpointId) {
        layered.remove(endpointId);
    }
}
