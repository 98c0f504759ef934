package dev.burrow.edge.cluster;

import dev.burrow.edge.link.AgentLink;
import dev.burrow.edge.link.AgentLinks;
import dev.burrow.edge.link.SessionTable;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where the public listeners send a stream for a session: this node's own link when it has one; otherwise a
 * {@link RelayLink} to a node that has one (chosen at random among those with a ready relay link, so load spreads);
 * null when no node serves the session. No remote call: the session's nodes come from the {@link EndpointMirror}.
 */
public final class ClusterRouter implements AgentLinks {
    private final SessionTable sessions;
    private final EndpointMirror mirror;
    private final RelayPool relays;
    private final String localMember;
    private final AtomicLong relayed = new AtomicLong();

    public ClusterRouter(SessionTable sessions, EndpointMirror mirror, RelayPool relays, String localMember) {
        this.sessions = sessions;
        this.mirror = mirror;
        this.relays = relays;
        this.localMember = localMember;
    }

    @Override
    public AgentLink find(String sessionId) {
        AgentLink local = sessions.find(sessionId);
        if (local != null) {
            return local;
        }
        List<RelayPool.Peer> candidates = new ArrayList<>(2);
        for (String member : mirror.nodesOf(sessionId)) {
            if (!member.equals(localMember)) {
                RelayPool.Peer peer = relays.ready(member);
                if (peer != null) {
                    candidates.add(peer);
                }
            }
        }
        if (candidates.isEmpty()) {
            return null;
        }
        relayed.incrementAndGet();
        RelayPool.Peer peer = candidates.size() == 1 ? candidates.get(0)
                : candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
        return new RelayLink(peer, sessionId);
    }

    /** Streams sent to another node so far. */
    public long relayedCount() {
        return relayed.get();
    }
}
