package dev.burrow.edge;

import com.hazelcast.core.HazelcastInstance;
import dev.burrow.edge.chain.CompiledOrRefusing;
import dev.burrow.edge.chain.EndpointPolicies;
import dev.burrow.edge.chain.PolicyDecisions;
import dev.burrow.edge.chain.PolicyLayers;
import dev.burrow.edge.chain.PolicySource;
import dev.burrow.edge.chain.RefusalNotices;
import dev.burrow.edge.tenancy.OperatorPolicyStore;
import dev.burrow.policy.PolicyException;
import dev.burrow.policy.TrafficPolicy;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;

/**
 * The node's traffic policies: every endpoint's own, the operators' (the cluster's and each tenant's, durable and
 * shared by the cluster), the layers that run them in order, and where their decisions are counted and logged.
 * Start after the tenancy maps are loaded (blocking); stop with the node.
 */
final class NodePolicies {
    private final EndpointPolicies endpoints;
    private final OperatorPolicyStore operators;
    private final PolicyLayers layers;
    private volatile RefusalNotices notices = RefusalNotices.NONE;

    NodePolicies(Vertx vertx, HazelcastInstance hazelcast, PolicySource compiler, MeterRegistry metrics) {
        this.endpoints = new EndpointPolicies(compiler);
        this.operators = new OperatorPolicyStore(vertx, hazelcast,
                document -> withoutTlsTermination(compiler.compile(document, OperatorPolicyStore.SOURCE)),
                stored -> CompiledOrRefusing.compile(compiler, stored.document(), OperatorPolicyStore.SOURCE + " " + stored.key()));
        RefusalNotices lateBound = (endpoint, connection, request, status, decision, trail) ->
                notices.refused(endpoint, connection, request, status, decision, trail);
        this.layers = new PolicyLayers(operators, endpoints, new PolicyDecisions(metrics, lateBound));
    }

    /**
     * An operator's policy runs for many endpoints after their handshakes; how an endpoint terminates TLS is its own
     * policy's to say (the front door reads only that one), so terminate-tls is refused here rather than ignored.
     */
    private static TrafficPolicy withoutTlsTermination(TrafficPolicy policy) throws PolicyException {
        if (policy.tlsTermination() != null) {
            throw policy.tlsTermination().problem("applies to an endpoint's own traffic policy only, not to the cluster's "
                    + "or a tenant's");
        }
        return policy;
    }

    EndpointPolicies endpoints() {
        return endpoints;
    }

    OperatorPolicyStore operators() {
        return operators;
    }

    PolicyLayers layers() {
        return layers;
    }

    /** Where refusals are told to the agents; set once the links exist. */
    void notices(RefusalNotices notices) {
        this.notices = notices;
    }

    /** Blocking. */
    void start() {
        operators.startMirror();
    }

    void stop() {
        operators.stopMirror();
    }
}
