package dev.burrow.edge.link;

import dev.burrow.edge.chain.RefusalNotices;
import dev.burrow.edge.chain.TrailLines;
import dev.burrow.edge.registry.Endpoint;
import dev.burrow.policy.ConnectionFacts;
import dev.burrow.policy.PolicyRequest;
import dev.burrow.policy.TrailEntry;
import dev.burrow.protocol.ControlMessage;

import java.util.List;

/**
 * Tells the agent serving an endpoint, over this node's own link of it, about a request the edge's policies refused,
 * so its inspector lists it. A node without a link of that agent says nothing (the refusal is in its access log).
 */
public final class AgentPolicyRefusals implements RefusalNotices {
    private final AgentLinks localLinks;

    public AgentPolicyRefusals(AgentLinks localLinks) {
        this.localLinks = localLinks;
    }

    @Override
    public void refused(Endpoint endpoint, ConnectionFacts connection, PolicyRequest request, int status, String decision,
                        List<TrailEntry> trail) {
        if (localLinks.find(endpoint) instanceof AgentSession session) {
            session.policyRefused(new ControlMessage.PolicyRefusal(endpoint.id(), connection.clientIp(), request.method(),
                    request.target(), status, decision, TrailLines.of(trail)));
        }
    }
}
