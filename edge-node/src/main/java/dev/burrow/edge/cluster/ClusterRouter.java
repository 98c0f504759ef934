package dev.burrow.edge.cluster;

import dev.burrow.edge.link.AgentLink;
import dev.burrow.edge.link.AgentLinks;
import dev.burrow.edge.link.SessionTable;
import dev.burrow.edge.registry.Endpoint;
import dev.burrow.edge.registry.EndpointRecord;
import dev.burrow.edge.registry.LinkRef;

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

    /**
     * For a pooled endpoint, every live link of every session that serves it is a candidate: this node's own links
     * of those sessions and a relay to each other node that holds one; one is picked at random per stream (per HTTP
     * request, per TCP connection), so traffic spreads over the pooled agents. Other endpoints: {@link #find(String)}.
     */
    @Override
    public AgentLink find(Endpoint endpoint) {
        EndpointRecord record = mirror.record(EndpointRecord.keyOf(endpoint.protocol(), endpoint.hostname(), endpoint.port()));
        if (record == null || !record.pooled() || !record.id().equals(endpoint.id())) {
            return find(endpoint.sessionId());
        }
        List<AgentLink> candidates = new ArrayList<>(record.links().size());
        for (LinkRef ref : record.links()) {
            if (ref.node().equals(localMember)) {
                AgentLink local = sessions.find(ref.sessionId());
                if (local != null) {
                    candidates.add(local);
                }
            } else {
                RelayPool.Peer peer = relays.ready(ref.node());
                if (peer != null) {
                    candidates.add(new RelayLink(peer, ref.sessionId()));
                }
            }
        }
        if (candidates.isEmpty()) {
            return find(endpoint.sessionId());
        }
        AgentLink chosen = candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
        if (chosen instanceof RelayLink) {
            relayed.incrementAndGet();
        }
        return chosen;
    }

    /** Streams sent to another node so far. */
    public long relayedCount() {
        return relayed.get();
    }
}
