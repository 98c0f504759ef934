package dev.burrow.edge.tenancy;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicate;
import com.hazelcast.query.Predicates;
import dev.burrow.edge.registry.EndpointException;
import dev.burrow.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Serializable;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live agent sessions of every tenant, cluster-wide: each node lists its authenticated links in a Hazelcast map
 * (dropped when the link closes, or by the survivors when the node leaves the cluster), which the admin API lists
 * and the session quota counts. Kicks travel as event-bus control messages to every node, and each node closes its
 * own matching links: a revoked token's sessions are gone cluster-wide within a message's flight.
 */
public final class TenantSessions implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TenantSessions.class);
    public static final String SESSIONS_MAP = "burrow.tenant-sessions";
    public static final String KICK_ADDRESS = "burrow.tenancy.kick";
    /** The indexed attribute of {@link LiveSession} ({@link TenancyMaps}). */
    static final String TENANT_ATTRIBUTE = "tenantId";
    /** Lock keys in the sessions map (never an entry's key, which is {@code sessionId@node}). */
    private static final String QUOTA_LOCK_PREFIX = "session-quota:";

    /** A link that can be closed from outside (an agent session's link on this node). */
    public interface Kickable {
        void kick(ErrorCode code, String message);
    }

    private record Local(LiveSession session, Kickable link) {
    }

    private final Vertx vertx;
    private final HazelcastInstance hazelcast;
    private final IMap<String, LiveSession> sessions;
    private final String localNode;
    private final String localNodeName;
    private final Map<Kickable, Local> local = new ConcurrentHashMap<>();
    /** How many of {@link #local}'s links list each entry key: the entry goes when the last of them closes. */
    private final Map<String, Integer> linksByKey = new ConcurrentHashMap<>();
    private volatile MessageConsumer<JsonObject> consumer;
    private volatile UUID membershipListener;

    public TenantSessions(Vertx vertx, HazelcastInstance hazelcast, String localNode, String localNodeName) {
        this.vertx = vertx;
        this.hazelcast = hazelcast;
        this.sessions = hazelcast.getMap(SESSIONS_MAP);
        this.localNode = localNode;
        this.localNodeName = localNodeName;
    }

    /**
     * Blocking: listens for kicks and for members leaving. Not in the constructor, which may run on an event loop
     * (the map proxy itself is created while the node prepares, {@link TenancyMaps#load}).
     */
    public void start() {
        this.consumer = vertx.eventBus().consumer(KICK_ADDRESS, message -> onKick(message.body()));
        this.membershipListener = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                String gone = event.getMember().getUuid().toString();
                vertx.executeBlocking(() -> {
                    sessions.removeAll(new OnNode(gone));
                    return null;
                }, false).onFailure(e -> LOG.debug("could not drop the sessions of departed node {}: {}", gone, e.toString()));
            }
        });
    }

    /** Refuses a new session past the tenant's session quota; a session resuming itself is always admitted. */
    public Future<Void> admit(Principal principal, String resumeSessionId) {
        int max = principal.quotas().maxSessions();
        if (max == 0) {
            return Future.succeededFuture();
        }
        return vertx.executeBlocking(() -> {
            Set<String> ids = new HashSet<>();
            sessions.values(ofTenant(principal.tenantId())).forEach(s -> ids.add(s.sessionId()));
            if (resumeSessionId != null && ids.contains(resumeSessionId)) {
                return null;
            }
            if (!Quotas.allows(max, ids.size())) {
                throw new EndpointException(ErrorCode.SESSION_QUOTA_EXCEEDED, "this account already has " + ids.size()
                        + " agent session(s) connected, its limit; stop one or ask for a higher quota");
            }
            return null;
        }, false);
    }

    /**
     * A link of {@code sessionId} authenticated here: kickable at once; the future completes once the session is
     * listed in the cluster (or could not be: listing is best effort).
     */
    public Future<Void> opened(Kickable link, Principal principal, String sessionId, String remoteAddress) {
        LiveSession session = new LiveSession(sessionId, principal.tenantId(), principal.tokenId(), localNode, localNodeName,
                remoteAddress, System.currentTimeMillis());
        Local replaced = local.put(link, new Local(session, link));
        if (replaced != null) {
            unlist(replaced);
        }
        linksByKey.merge(session.key(), 1, Integer::sum);
        try {
            return Future.fromCompletionStage(sessions.setAsync(session.key(), session), vertx.getOrCreateContext())
                    .otherwise(e -> {
                        LOG.debug("session {}: not listed in the cluster: {}", sessionId, e.toString());
                        return null;
                    });
        } catch (RuntimeException e) {
            LOG.debug("session {}: not listed in the cluster: {}", sessionId, e.toString());
            return Future.succeededFuture();
        }
    }

    /**
     * Counts again once a new session is listed ({@link #opened}): {@link #admit} and the listing are not atomic, so
     * logins racing for a tenant's last slots could all pass it. The recount runs under a per-tenant cluster lock, and a
     * session refused there unlists itself before the lock is released; so the racers are decided one at a time, each
     * counting every session admitted before it and every racer still undecided. Never more than {@code max} get in, and
     * the last racer decided always finds a free slot if one is left, so they are never all refused while there is room.
     */
    public Future<Void> confirm(Principal principal, String sessionId, boolean resumed) {
        int max = principal.quotas().maxSessions();
        if (max == 0 || resumed) {
            return Future.succeededFuture();
        }
        ClaimLock lock = new ClaimLock(sessions, QUOTA_LOCK_PREFIX + principal.tenantId(), ClaimLock.WAIT_MILLIS,
                ClaimLock.LEASE_MILLIS, ClaimLock.WRITE_ROOM_MILLIS, "counting agent sessions");
        return vertx.executeBlocking(() -> lock.run(lease -> {
            Set<String> others = new HashSet<>();
            sessions.values(ofTenant(principal.tenantId())).forEach(s -> others.add(s.sessionId()));
            others.remove(sessionId);
            if (!Quotas.allows(max, others.size())) {
                sessions.delete(sessionId + "@" + localNode);
                throw new EndpointException(ErrorCode.SESSION_QUOTA_EXCEEDED, "this account already has " + others.size()
                        + " other agent session(s) connected and its limit is " + max + "; stop one or ask for a higher quota");
            }
            return null;
        }), false);
    }

    /** The link closed (whether or not it was ever {@link #opened}). */
    public void closed(Kickable link) {
        Local gone = local.remove(link);
        if (gone == null) {
            return;
        }
        boolean stillHere = unlist(gone);
        if (!stillHere) {
            try {
                sessions.removeAsync(gone.session().key());
            } catch (RuntimeException e) {
                // The member is shutting down; the survivors drop this node's entries when it leaves.
                LOG.debug("session {}: not unlisted: {}", gone.session().sessionId(), e.toString());
            }
        }
    }

    /** Counts one link of {@code gone}'s entry less; whether other links still list it. */
    private boolean unlist(Local gone) {
        return linksByKey.compute(gone.session().key(), (key, links) -> links == null || links <= 1 ? null : links - 1) != null;
    }

    /** Live sessions (one entry per node a session has a link on), of one tenant or, for null, of all. */
    public Future<List<LiveSession>> list(String tenantId) {
        return vertx.executeBlocking(() -> (tenantId == null ? sessions.values() : sessions.values(ofTenant(tenantId)))
                .stream().sorted(Comparator.comparing(LiveSession::sessionId).thenComparing(LiveSession::nodeId)).toList(), false);
    }

    /**
     * Closes, on every node, the links matching every given field (null fields match anything; at least one must be
     * set) with {@code code}.
     */
    public void kick(String tenantId, String sessionId, String tokenId, ErrorCode code, String message) {
        if (tenantId == null && sessionId == null && tokenId == null) {
            throw new IllegalArgumentException("a kick needs a tenant, a session or a token");
        }
        JsonObject order = new JsonObject().put("tenantId", tenantId).put("sessionId", sessionId).put("tokenId", tokenId)
                .put("code", code.name()).put("message", message);
        vertx.eventBus().publish(KICK_ADDRESS, order);
    }

    private void onKick(JsonObject order) {
        String tenantId = order.getString("tenantId");
        String sessionId = order.getString("sessionId");
        String tokenId = order.getString("tokenId");
        ErrorCode code;
        try {
            code = ErrorCode.valueOf(order.getString("code"));
        } catch (RuntimeException e) {
            code = ErrorCode.SESSION_KICKED;
        }
        String message = Objects.requireNonNullElse(order.getString("message"), "closed by an administrator");
        for (Local entry : List.copyOf(local.values())) {
            LiveSession s = entry.session();
            if ((tenantId == null || tenantId.equals(s.tenantId())) && (sessionId == null || sessionId.equals(s.sessionId()))
                    && (tokenId == null || tokenId.equals(s.tokenId()))) {
                LOG.info("session {} of tenant {}: closing its link: {} ({})", s.sessionId(), s.tenantId(), message, code);
                entry.link().kick(code, message);
            }
        }
    }

    @Override
    public void close() {
        if (consumer != null) {
            consumer.unregister();
        }
        try {
            if (membershipListener != null) {
                hazelcast.getCluster().removeMembershipListener(membershipListener);
            }
        } catch (RuntimeException ignored) {
            // the member is shutting down
        }
    }

    /** A tenant's sessions: an index look-up on every member. */
    static Predicate<String, LiveSession> ofTenant(String tenantId) {
        return Predicates.equal(TENANT_ATTRIBUTE, tenantId);
    }

    record OnNode(String node) implements Predicate<String, LiveSession>, Serializable {
        @Override
        public boolean apply(Map.Entry<String, LiveSession> entry) {
            return entry.getValue() != null && entry.getValue().node().equals(node);
        }
    }
}
