package dev.burrow.edge.tenancy;

import java.io.Serializable;

/**
 * A traffic policy the edge's administrators set above the agents' own: the cluster's ({@code tenantId} null), run
 * for every endpoint, or one tenant's, run for every endpoint of that tenant. {@code document} is the policy text as
 * it was set (YAML or JSON), compiled by every node that learns it.
 */
public record OperatorPolicy(String tenantId, String document, long updatedAt) implements Serializable {
    public static final String CLUSTER_KEY = "cluster";
    private static final String TENANT_PREFIX = "tenant:";

    /** The map key: {@code cluster}, or {@code tenant:ID}. */
    public String key() {
        return keyOf(tenantId);
    }

    public static String keyOf(String tenantId) {
        return tenantId == null ? CLUSTER_KEY : TENANT_PREFIX + tenantId;
    }

    /** The tenant column of the store (empty for the cluster's policy). */
    public String tenantColumn() {
        return tenantId == null ? "" : tenantId;
    }
}
