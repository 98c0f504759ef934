package dev.burrow.edge.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import dev.burrow.edge.registry.Endpoint;
import dev.burrow.edge.registry.HazelcastEndpointRegistry;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * This node as a member of the cluster: publishes its {@link NodeInfo}, keeps a relay link to every other node that
 * published one, and when Hazelcast reports a member gone, drops the relay link at once and — on the oldest member
 * only, so it happens once — purges the gone node's links from the registry; endpoints left with no link are removed
 * after the offline grace unless their agent comes back.
 */
public final class ClusterNode implements MembershipListener {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
    public static final String NODES_MAP = "burrow.nodes";

    private final Vertx vertx;
    private final HazelcastInstance hazelcast;
    private final IMap<String, NodeInfo> nodes;
    private final HazelcastEndpointRegistry registry;
    private final RelayPool relays;
    private final Duration offlineGrace;
    private final String localMember;
    private final Runnable peersChanged;
    private volatile NodeInfo self;
    private UUID membershipRegistration;
    private UUID nodesRegistration;

    /** @param peersChanged called (on a Hazelcast thread; must not block) after another node appeared or went away */
    public ClusterNode(Vertx vertx, HazelcastInstance hazelcast, HazelcastEndpointRegistry registry, RelayPool relays,
                       Duration offlineGrace, Runnable peersChanged) {
        this.peersChanged = peersChanged;
        this.vertx = vertx;
        this.hazelcast = hazelcast;
        this.nodes = hazelcast.getMap(NODES_MAP);
        this.registry = registry;
        this.relays = relays;
        this.offlineGrace = offlineGrace;
        this.localMember = localMember(hazelcast);
    }

    /** This node's key: stable for the node's life, also across a split and merge (see {@link HazelcastSetup#NODE_KEY_ATTRIBUTE}). */
    public static String localMember(HazelcastInstance hazelcast) {
        return key(hazelcast.getCluster().getLocalMember());
    }

    static String key(Member member) {
        String key = member.getAttribute(HazelcastSetup.NODE_KEY_ATTRIBUTE);
        return key != null ? key : member.getUuid().toString();
    }

    /** Blocking: publishes this node and starts following the others. */
    public void join(NodeInfo self) {
        this.self = self;
        membershipRegistration = hazelcast.getCluster().addMembershipListener(this);
        nodesRegistration = nodes.addEntryListener(new NodesListener(), true);
        nodes.set(self.member(), self);
        Set<String> alive = liveMembers();
        for (NodeInfo info : nodes.values()) {
            if (info.member().equals(localMember)) {
                continue;
            }
            if (alive.contains(info.member())) {
                relays.add(info);
            } else if (isOldest()) {
                nodes.delete(info.member());
            }
        }
    }

    /**
     * Blocking: after this node merged into another cluster (a split healed and this side lost), its view of the nodes
     * map was replaced by the other side's, which dropped this node while they were apart. Publishes this node again,
     * follows the nodes map afresh, and keeps relay links to every live node it has none to.
     */
    public void rejoin() {
        if (self == null) {
            return;
        }
        if (nodesRegistration != null) {
            nodes.removeEntryListener(nodesRegistration);
        }
        nodesRegistration = nodes.addEntryListener(new NodesListener(), true);
        nodes.set(self.member(), self);
        Set<String> alive = liveMembers();
        Set<NodeInfo> linked = Set.copyOf(relays.peers());
        for (NodeInfo info : nodes.values()) {
            if (!info.member().equals(localMember) && alive.contains(info.member()) && !linked.contains(info)) {
                relays.add(info);
            }
        }
        notifyPeersChanged();
    }

    private final class NodesListener implements EntryAddedListener<String, NodeInfo>, EntryUpdatedListener<String, NodeInfo>,
            EntryRemovedListener<String, NodeInfo> {
        @Override
        public void entryAdded(EntryEvent<String, NodeInfo> event) {
            if (!event.getKey().equals(localMember)) {
                relays.add(event.getValue());
                notifyPeersChanged();
            }
        }

        @Override
        public void entryUpdated(EntryEvent<String, NodeInfo> event) {
            entryAdded(event);
        }

        @Override
        public void entryRemoved(EntryEvent<String, NodeInfo> event) {
            relays.remove(event.getKey());
            notifyPeersChanged();
        }
    }

    private void notifyPeersChanged() {
        try {
            peersChanged.run();
        } catch (RuntimeException e) {
            LOG.warn("cluster: could not pass the new member list on: {}", e.toString());
        }
    }

    @Override
    public void memberAdded(MembershipEvent event) {
        LOG.info("cluster: member {} joined ({} members)", event.getMember().getAddress(), event.getMembers().size());
    }

    @Override
    public void memberRemoved(MembershipEvent event) {
        String gone = key(event.getMember());
        LOG.info("cluster: member {} left ({} members)", event.getMember().getAddress(), event.getMembers().size());
        relays.remove(gone);
        notifyPeersChanged();
        if (!isOldest()) {
            return;
        }
        nodes.removeAsync(gone);
        registry.purgeNode(gone).onComplete(ar -> {
            if (ar.failed()) {
                LOG.warn("cluster: could not purge the links of member {}: {}", gone, ar.cause().toString());
                return;
            }
            List<Endpoint> changed = ar.result();
            Set<String> offlineSessions = changed.stream().filter(e -> e.state() == dev.burrow.edge.registry.EndpointState.OFFLINE)
                    .map(Endpoint::sessionId).collect(Collectors.toSet());
            LOG.info("cluster: purged the links of member {} from {} endpoint(s); {} session(s) now offline", gone,
                    changed.size(), offlineSessions.size());
            if (offlineSessions.isEmpty()) {
                return;
            }
            Runnable removeOffline = () -> offlineSessions.forEach(session -> registry.removeOffline(session));
            if (offlineGrace.isZero()) {
                removeOffline.run();
            } else {
                vertx.setTimer(offlineGrace.toMillis(), id -> removeOffline.run());
            }
        });
    }

    private boolean isOldest() {
        Set<Member> members = hazelcast.getCluster().getMembers();
        return !members.isEmpty() && members.iterator().next().localMember();
    }

    private Set<String> liveMembers() {
        return hazelcast.getCluster().getMembers().stream().map(ClusterNode::key).collect(Collectors.toSet());
    }

    public String localMember() {
        return localMember;
    }

    public int memberCount() {
        return hazelcast.getLifecycleService().isRunning() ? hazelcast.getCluster().getMembers().size() : 0;
    }

    /**
     * Null while this node sees a majority of the {@code configuredMembers} (itself and {@code --cluster-members}), the
     * same majority the registry's split-brain protection asks of a bind; else why it cannot bind endpoints now.
     */
    public String minorityProblem(int configuredMembers) {
        int needed = configuredMembers / 2 + 1;
        int seen = memberCount();
        return seen >= needed ? null : "in the minority of its cluster: sees " + seen + " of " + configuredMembers
                + " configured members, needs " + needed + " to bind endpoints";
    }

    /** Null while this node has a ready relay link to every other node, else how many are missing. */
    public String relayProblem() {
        int peers = relays.peers().size();
        int missing = relays.missingCount();
        return missing == 0 ? null : "relay links to " + missing + " of " + peers + " other node(s) are not up";
    }

    /** Agent-link addresses of the other nodes, for {@code auth_result.edgeNodes}. */
    public List<String> otherAgentAddresses() {
        return relays.peers().stream().map(NodeInfo::agentAddress).sorted().toList();
    }

    /** Blocking: stops following the cluster and withdraws this node's info and its links from the registry. */
    public void leave() {
        try {
            if (membershipRegistration != null) {
                hazelcast.getCluster().removeMembershipListener(membershipRegistration);
            }
            if (nodesRegistration != null) {
                nodes.removeEntryListener(nodesRegistration);
            }
            nodes.delete(localMember);
        } catch (RuntimeException e) {
            LOG.debug("cluster: leaving: {}", e.toString());
        }
    }
}
