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
        AgentLink local = sessions.findServing(sessionId, null);
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
     * Routes a new stream of {@code endpoint} by the links its registry record lists (a link is listed once its bind
     * completed, so a link that just attached is never picked too early). Not pooled: this node's own link when it
     * serves the endpoint, otherwise a relay to a node that has one, at random. Pooled: every live link of every
     * session that serves it is a candidate, this node's own and a relay to each other node that holds one; one is
     * picked at random per stream (per HTTP request, per TCP connection), so traffic spreads over the pooled agents.
     * Without a record yet (this node has not seen the bind), as {@link #find(String)}.
     */
    @Override
    public AgentLink find(Endpoint endpoint) {
        EndpointRecord record = mirror.record(endpoint.key());
        if (record == null || !record.id().equals(endpoint.id())) {
            return find(endpoint.sessionId());
        }
        List<AgentLink> locals = new ArrayList<>(2);
        List<AgentLink> relayed = new ArrayList<>(record.links().size());
        for (LinkRef ref : record.links()) {
            if (ref.node().equals(localMember)) {
                AgentLink local = sessions.findListed(ref.sessionId(), endpoint.id(), ref.epoch());
                if (local != null) {
                    locals.add(local);
                }
            } else {
                RelayPool.Peer peer = relays.ready(ref.node());
                if (peer != null) {
                    relayed.add(new RelayLink(peer, ref.sessionId()));
                }
            }
        }
        List<AgentLink> candidates;
        if (record.pooled()) {
            candidates = oneSessionsLinks(locals, relayed);
        } else {
            candidates = locals.isEmpty() ? relayed : locals;
        }
        if (candidates.isEmpty()) {
            return null;
        }
        AgentLink chosen = candidates.size() == 1 ? candidates.get(0)
                : candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
        if (chosen instanceof RelayLink) {
            this.relayed.incrementAndGet();
        }
        return chosen;
    }

    /** Streams sent to another node so far. */
    public long relayedCount() {
        return relayed.get();
    }

    /**
     * Pooled endpoints spread over agents, not over links: an agent with two links would otherwise get twice the
     * share of one whose second link is not up yet. Picks one serving session uniformly, then that session's own
     * link on this node if it has one, else its relays.
     */
    private static List<AgentLink> oneSessionsLinks(List<AgentLink> locals, List<AgentLink> relayed) {
        java.util.Map<String, List<AgentLink>> bySession = new java.util.LinkedHashMap<>();
        for (AgentLink link : locals) {
            bySession.computeIfAbsent(link.sessionId(), s -> new ArrayList<>(2)).add(link);
        }
        java.util.Map<String, List<AgentLink>> relaysBySession = new java.util.LinkedHashMap<>();
        for (AgentLink link : relayed) {
            relaysBySession.computeIfAbsent(link.sessionId(), s -> new ArrayList<>(2)).add(link);
        }
        List<String> sessions = new ArrayList<>(bySession.keySet());
        for (String session : relaysBySession.keySet()) {
            if (!bySession.containsKey(session)) {
                sessions.add(session);
            }
        }
        if (sessions.isEmpty()) {
            return List.of();
        }
        String session = sessions.get(ThreadLocalRandom.current().nextInt(sessions.size()));
        List<AgentLink> own = bySession.get(session);
        return own != null ? own : relaysBySession.get(session);
    }
}
