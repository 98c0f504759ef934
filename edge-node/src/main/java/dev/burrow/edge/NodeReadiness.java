package dev.burrow.edge;

import com.hazelcast.core.HazelcastInstance;
import dev.burrow.edge.cluster.ClusterNode;
import dev.burrow.edge.ops.Readiness;
import dev.burrow.edge.store.StoreProbe;

/**
 * Whether the node is ready (the ops port's {@code /readyz}): it can accept agents and bind endpoints, and is not
 * draining; each failing check says why not (docs/cluster.md). Holds the node's listening and draining state.
 */
final class NodeReadiness {
    private final ClusterNode clusterNode;
    private final Readiness checks;
    private volatile boolean listening;
    private volatile boolean draining;
    /** Whether every relay link was up at least once since the node started (see {@link #startupRelayProblem}). */
    private volatile boolean relaysUpOnce;

    NodeReadiness(HazelcastInstance hazelcast, ClusterNode clusterNode, int configuredMembers, StoreProbe store) {
        this.clusterNode = clusterNode;
        this.checks = new Readiness()
                .check("joined", Readiness.unless(() -> hazelcast.getLifecycleService().isRunning(), "not joined to the cluster"))
                .check("listening", Readiness.unless(() -> listening, "listeners not up"))
                .check("majority", () -> clusterNode.minorityProblem(configuredMembers))
                .check("relays", this::startupRelayProblem)
                .check("store", store::problem)
                .check("draining", Readiness.unless(() -> !draining, "draining"));
    }

    /** Why the node is not ready, or null. */
    String notReadyReason() {
        return checks.notReadyReason();
    }

    /** Every listener is up and the node has joined the cluster. */
    void listening() {
        listening = true;
    }

    boolean isListening() {
        return listening;
    }

    /** The node drains: not ready from now on. */
    void draining() {
        draining = true;
    }

    boolean isDraining() {
        return draining;
    }

    /** The node stops. */
    void stopped() {
        draining = true;
        listening = false;
    }

    /**
     * Relay links gate readiness while the node starts: once all were up, a peer that drains or dies must not take this
     * node out of its load balancer as well (with every node doing so, a rolling restart emptied the balancer).
     */
    private String startupRelayProblem() {
        if (!listening || relaysUpOnce) {
            return null;
        }
        String problem = clusterNode.relayProblem();
        if (problem == null) {
            relaysUpOnce = true;
        }
        return problem;
    }
}
