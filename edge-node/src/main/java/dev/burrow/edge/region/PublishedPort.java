package dev.burrow.edge.region;

/**
 * A TCP port bound in a region as the other regions see it in the directory: the endpoint that serves it there and
 * the tenant that owns that endpoint (so that no region relays a port it holds for one tenant to another's endpoint).
 */
public record PublishedPort(String endpointId, String tenantId) {
}
