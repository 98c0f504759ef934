package dev.burrow.edge.cluster;

import dev.burrow.edge.link.AgentLink;
import dev.burrow.mux.MuxStream;
import dev.burrow.protocol.StreamOpen;
import io.vertx.core.Context;
import io.vertx.core.Future;

/**
 * An agent session reached through another node: streams open on the pooled relay link to that node, which splices
 * each into a stream of its own link to the agent. To the public listeners it is just another {@link AgentLink}.
 */
public final class RelayLink implements AgentLink {
    private final RelayPool.Peer peer;
    private final String sessionId;

    public RelayLink(RelayPool.Peer peer, String sessionId) {
        this.peer = peer;
        this.sessionId = sessionId;
    }

    @Override
    public String sessionId() {
        return sessionId;
    }

    @Override
    public boolean isOpen() {
        return peer.isReady();
    }

    @Override
    public Future<MuxStream> openStream(StreamOpen open) {
        // openStream is thread-safe and fails the stream at once when the link is closed (a dead peer fails fast).
        // A node of an older version refuses a trail in an OPEN: only a peer that named the feature gets one.
        return Future.succeededFuture(peer.mux().openStream(peer.readsPolicyTrail() ? open : open.withoutPolicyTrail()));
    }

    /**
     * Whether the exchange's trail may go in the OPEN: the peer node passes it on (to an agent that asked for it).
     * Whether the agent asked is known only on the node with its link, so the trail is built for every relayed
     * exchange under a policy and dropped there when the agent did not ask.
     */
    @Override
    public boolean takesPolicyTrail() {
        return peer.readsPolicyTrail();
    }

    @Override
    public Context context() {
        return peer.context();
    }

    @Override
    public String toString() {
        return "relay to " + peer.info().nodeId() + " for session " + sessionId;
    }
}
