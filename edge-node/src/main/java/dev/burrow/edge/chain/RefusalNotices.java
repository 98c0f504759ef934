package dev.burrow.edge.chain;

import dev.burrow.edge.registry.Endpoint;
import dev.burrow.policy.ConnectionFacts;
import dev.burrow.policy.PolicyRequest;
import dev.burrow.policy.TrailEntry;

import java.util.List;

/** Tells the agent serving an endpoint about a request a policy refused at the edge (it never reached the agent). */
@FunctionalInterface
public interface RefusalNotices {
    RefusalNotices NONE = (endpoint, connection, request, status, decision, trail) -> { };

    /** {@code status}: the edge's answer, or 0 when it closed the connection. */
    void refused(Endpoint endpoint, ConnectionFacts connection, PolicyRequest request, int status, String decision,
                 List<TrailEntry> trail);
}
