package dev.burrow.edge;

import dev.burrow.edge.link.AgentLinks;
import dev.burrow.edge.link.AgentSession;
import dev.burrow.edge.registry.Endpoint;
import dev.burrow.edge.tls.EndpointCertificates;
import dev.burrow.protocol.ErrorCode;

import java.time.Instant;

/**
 * Tells the agent serving an endpoint, over this node's own link of it, that its policy's certificate expired and the
 * edge serves its own for the name: the agent's log shows one line. A node without a link of that agent says nothing
 * (the edge's log has the warning). Here rather than in {@code link}, which the HTTPS listener's package already uses.
 */
final class AgentCertificateNotices implements EndpointCertificates.ExpiryNotices {
    private final AgentLinks localLinks;

    AgentCertificateNotices(AgentLinks localLinks) {
        this.localLinks = localLinks;
    }

    @Override
    public void expired(Endpoint endpoint, String name, Instant notAfter) {
        if (endpoint != null && localLinks.find(endpoint) instanceof AgentSession session) {
            session.notice(ErrorCode.INVALID_TRAFFIC_POLICY, "server_certificate for " + name + " expired at " + notAfter
                    + "; the edge serves its own certificate");
        }
    }
}
