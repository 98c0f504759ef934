package dev.burrow.edge.link;

import dev.burrow.edge.registry.Endpoint;

/** Finds the live link of an agent session. */
@FunctionalInterface
public interface AgentLinks {

    /** The live link serving {@code sessionId}, or null when the session is offline or unknown. */
    AgentLink find(String sessionId);

    /**
     * A live link to send a new stream of {@code endpoint} on, or null. A pooled endpoint is served by several
     * sessions; a router spreads its streams over all of them. By default: the link of the endpoint's session.
     */
    default AgentLink find(Endpoint endpoint) {
        return find(endpoint.sessionId());
    }
}
