package dev.burrow.edge.registry;

/** Whether an endpoint's agent link is up. */
public enum EndpointState {
    /** Served by a live agent link. */
    ONLINE,
    /** Its agent link dropped; kept reserved for the same agent during the offline grace period. */
    OFFLINE
}
