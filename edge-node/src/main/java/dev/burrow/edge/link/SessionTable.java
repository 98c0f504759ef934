package dev.burrow.edge.link;

import dev.burrow.edge.cluster.SessionDirectory;
import dev.burrow.edge.config.DurationText;
import dev.burrow.edge.registry.Endpoint;
import dev.burrow.edge.registry.EndpointRegistry;
import dev.burrow.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Agent sessions of this node and the link that currently carries each. A session outlives its link: when the link
 * drops, the session's endpoints go OFFLINE and stay reserved for the offline grace period; a new link that
 * authenticates with the same token and {@code resumeSessionId} takes the session over (closing a stale old link).
 * A session is known cluster-wide ({@link SessionDirectory}): a link to this node may resume, or join as an extra
 * link, a session opened on another node. Each link attached here gets an epoch (increasing on this node), which the
 * registry records with the link so that the late cleanup of an old link never removes its successor.
 * Owns the grace timers. Thread-safe.
 */
public final class SessionTable implements AgentLinks {
    private static final Logger LOG = LoggerFactory.getLogger(SessionTable.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Vertx vertx;
    private final EndpointRegistry registry;
    private final Duration offlineGrace;
    private final Consumer<List<Endpoint>> onEndpointsRemoved;
    private final SessionDirectory directory;
    private final Map<String, SessionRecord> sessions = new HashMap<>();
    /** endpoint id → the local sessions that bound it (several when the endpoint is pooled). */
    private final Map<String, Set<String>> sessionsByEndpoint = new ConcurrentHashMap<>();
    private final AtomicLong linkEpochs = new AtomicLong(System.currentTimeMillis() * 1000);
    private boolean closed;

    private static final class SessionRecord {
        final String id;
        final String ownerKey;
        AgentSession link;
        long linkEpoch;
        long expiryTimer = -1;
        /** Ended on purpose (goodbye, revoked token): no offline grace when its link goes. */
        boolean ended;
        /** The endpoints it bound on this node, what its lost link marks offline and its grace end removes. */
        final Set<String> endpointIds = new HashSet<>(2);

        SessionRecord(String id, String ownerKey) {
            this.id = id;
            this.ownerKey = ownerKey;
        }
    }

    /** What {@link #attach} decided; {@code linkEpoch} is the link's epoch for its registry claims. */
    public record Attachment(String sessionId, boolean resumed, long linkEpoch) {
    }

    /**
     * @param onEndpointsRemoved told which endpoints were removed when a grace period ended (to close TCP ports)
     */
    public SessionTable(Vertx vertx, EndpointRegistry registry, Duration offlineGrace,
                        Consumer<List<Endpoint>> onEndpointsRemoved, SessionDirectory directory) {
        this.vertx = vertx;
        this.directory = directory;
        this.registry = registry;
        this.offlineGrace = offlineGrace;
        this.onEndpointsRemoved = onEndpointsRemoved;
    }

    /**
     * Attaches an authenticated link: to the session {@code resumeSessionId} when this node or the cluster knows it
     * and it belongs to the same token, otherwise to a new session. A resumed session's old link on this node, if
     * still open, is closed (a reconnect); with {@code additionalLink}, a session whose link lives on another node is
     * joined, and that link stays.
     */
    public Future<Attachment> attach(AgentSession link, String ownerKey, String resumeSessionId) {
        synchronized (this) {
            SessionRecord record = resumeSessionId == null ? null : sessions.get(resumeSessionId);
            if (resumeSessionId == null || (record != null && !record.ownerKey.equals(ownerKey))) {
                return Future.succeededFuture(attachLocally(link, ownerKey, null));
            }
            if (record != null) {
                return Future.succeededFuture(attachLocally(link, ownerKey, resumeSessionId));
            }
        }
        return directory.ownerOf(resumeSessionId).otherwise((String) null).map(owner ->
                attachLocally(link, ownerKey, ownerKey.equals(owner) ? resumeSessionId : null));
    }

    private Attachment attachLocally(AgentSession link, String ownerKey, String knownSessionId) {
        AgentSession replaced = null;
        Attachment attachment;
        synchronized (this) {
            long epoch = linkEpochs.incrementAndGet();
            SessionRecord record = knownSessionId == null ? null : sessions.get(knownSessionId);
            if (record != null && record.ownerKey.equals(ownerKey)) {
                replaced = record.link;
                cancelExpiry(record);
                record.ended = false;
                record.link = link;
                record.linkEpoch = epoch;
                attachment = new Attachment(record.id, true, epoch);
            } else {
                boolean resumed = knownSessionId != null;
                record = new SessionRecord(resumed ? knownSessionId : newSessionId(), ownerKey);
                record.link = link;
                record.linkEpoch = epoch;
                sessions.put(record.id, record);
                attachment = new Attachment(record.id, resumed, epoch);
            }
        }
        if (!attachment.resumed()) {
            directory.register(attachment.sessionId(), ownerKey);
        }
        if (replaced != null && replaced != link) {
            replaced.closeReplaced();
        }
        return attachment;
    }

    /** Remembers which local session bound an endpoint (what the relay server looks up for a relayed stream). */
    public void endpointBound(String endpointId, String sessionId) {
        sessionsByEndpoint.computeIfAbsent(endpointId, id -> ConcurrentHashMap.newKeySet()).add(sessionId);
        synchronized (this) {
            SessionRecord record = sessions.get(sessionId);
            if (record != null) {
                record.endpointIds.add(endpointId);
            }
        }
    }

    public void endpointUnbound(String endpointId, String sessionId) {
        sessionsByEndpoint.computeIfPresent(endpointId, (id, set) -> {
            set.remove(sessionId);
            return set.isEmpty() ? null : set;
        });
        synchronized (this) {
            SessionRecord record = sessions.get(sessionId);
            if (record != null) {
                record.endpointIds.remove(endpointId);
            }
        }
    }

    /** A session on this node that bound an endpoint (one with a live link, at random, when it is pooled), or null. */
    public String sessionOfEndpoint(String endpointId) {
        Set<String> bound = sessionsByEndpoint.get(endpointId);
        if (bound == null || bound.isEmpty()) {
            return null;
        }
        List<String> live = new ArrayList<>(bound.size());
        for (String session : bound) {
            if (find(session) != null) {
                live.add(session);
            }
        }
        if (live.isEmpty()) {
            return bound.iterator().next();
        }
        return live.size() == 1 ? live.get(0) : live.get(ThreadLocalRandom.current().nextInt(live.size()));
    }

    /**
     * Called when a link closed. If it still carried its session, the session's endpoints go OFFLINE and are removed
     * after the offline grace unless a new link resumes the session.
     */
    public void detach(String sessionId, AgentSession link) {
        long linkEpoch;
        boolean ended;
        List<String> endpointIds;
        synchronized (this) {
            SessionRecord record = sessions.get(sessionId);
            if (record == null || record.link != link) {
                return;
            }
            record.link = null;
            linkEpoch = record.linkEpoch;
            ended = record.ended;
            endpointIds = List.copyOf(record.endpointIds);
            if (closed) {
                return;
            }
            long graceMillis = offlineGrace.toMillis();
            if (graceMillis > 0 && !ended) {
                record.expiryTimer = vertx.setTimer(graceMillis, id -> expire(sessionId));
            }
        }
        registry.markOffline(sessionId, linkEpoch, endpointIds).onSuccess(endpoints -> {
            if (!endpoints.isEmpty() && !ended) {
                LOG.info("session {}: agent link lost; {} endpoint(s) offline, reserved for {}", sessionId,
                        endpoints.size(), DurationText.format(offlineGrace));
            }
            if (ended || offlineGrace.isZero()) {
                expire(sessionId);
            }
        });
    }

    /**
     * The session ends on purpose (its agent said goodbye, or its token was revoked): when its link goes, what is left
     * of it is removed at once instead of after the offline grace.
     */
    public synchronized void ended(String sessionId) {
        SessionRecord record = sessionId == null ? null : sessions.get(sessionId);
        if (record != null) {
            record.ended = true;
        }
    }

    private void expire(String sessionId) {
        List<String> endpointIds;
        synchronized (this) {
            SessionRecord record = sessions.get(sessionId);
            if (record == null || record.link != null) {
                return;
            }
            record.expiryTimer = -1;
            sessions.remove(sessionId);
            endpointIds = List.copyOf(record.endpointIds);
        }
        registry.removeOffline(sessionId, endpointIds).onSuccess(removed -> {
            removed.forEach(endpoint -> endpointUnbound(endpoint.id(), sessionId));
            if (!removed.isEmpty()) {
                LOG.info("session {}: offline grace ended; removed {}", sessionId,
                        removed.stream().map(Endpoint::address).toList());
                onEndpointsRemoved.accept(removed);
            }
        });
    }

    @Override
    public synchronized AgentLink find(String sessionId) {
        SessionRecord record = sessions.get(sessionId);
        return record == null || record.link == null || !record.link.isOpen() ? null : record.link;
    }

    /**
     * The live link of a session on this node that has bound {@code endpointId} (any endpoint, when null), or null:
     * a link that just attached serves nothing until its binds complete.
     */
    public synchronized AgentLink findServing(String sessionId, String endpointId) {
        SessionRecord record = sessions.get(sessionId);
        if (record == null || record.link == null || !record.link.isOpen()) {
            return null;
        }
        boolean serving = endpointId == null ? record.link.servesAny() : record.link.serves(endpointId);
        return serving ? record.link : null;
    }

    /**
     * As {@link #findServing}, but also accepts the session's current link when the registry lists it as serving the
     * endpoint ({@code listedEpoch} is that link's epoch): the registry may tell a router about a bind a moment before
     * the link itself hears that it completed.
     */
    public synchronized AgentLink findListed(String sessionId, String endpointId, long listedEpoch) {
        AgentLink serving = findServing(sessionId, endpointId);
        if (serving != null) {
            return serving;
        }
        SessionRecord record = sessions.get(sessionId);
        return record != null && record.link != null && record.link.isOpen() && record.linkEpoch == listedEpoch
                ? record.link : null;
    }

    /** Open streams over this node's agent links. */
    public synchronized int openStreamCount() {
        return sessions.values().stream().filter(r -> r.link != null).mapToInt(r -> r.link.openStreamCount()).sum();
    }

    /** Sessions with a live link. */
    public synchronized int liveSessionCount() {
        return (int) sessions.values().stream().filter(r -> r.link != null).count();
    }

    /** Sessions known (live or within their offline grace). */
    public synchronized int sessionCount() {
        return sessions.size();
    }

    /**
     * Sends GO_AWAY on every live link (node drain): agents open their replacement links on other nodes and move;
     * the links stay open, so streams in progress finish and new ones may still be opened.
     */
    public void goAwayAll(String message) {
        List<AgentSession> links;
        synchronized (this) {
            links = sessions.values().stream().map(r -> r.link).filter(l -> l != null).toList();
        }
        links.forEach(link -> link.goAway(ErrorCode.GOING_AWAY, message));
    }

    /** Passes a new list of the cluster's other nodes to every live link ({@link AgentSession#edgeNodesChanged}). */
    public void edgeNodesChanged(List<String> edgeNodes) {
        List<AgentSession> links;
        synchronized (this) {
            links = sessions.values().stream().map(r -> r.link).filter(l -> l != null).toList();
        }
        List<String> copy = List.copyOf(edgeNodes);
        links.forEach(link -> link.edgeNodesChanged(copy));
    }

    /** Sessions with a live link on this node (their ids). */
    public synchronized List<String> liveSessionIds() {
        return sessions.values().stream().filter(r -> r.link != null && r.link.isOpen()).map(r -> r.id).toList();
    }

    /** Cancels every grace timer and closes every link with GOING_AWAY (node shutdown). */
    public void close() {
        List<AgentSession> links;
        synchronized (this) {
            closed = true;
            sessions.values().forEach(this::cancelExpiry);
            links = sessions.values().stream().map(r -> r.link).filter(l -> l != null).toList();
        }
        links.forEach(link -> link.close(ErrorCode.GOING_AWAY, "the edge node is shutting down"));
    }

    private void cancelExpiry(SessionRecord record) {
        if (record.expiryTimer >= 0) {
            vertx.cancelTimer(record.expiryTimer);
            record.expiryTimer = -1;
        }
    }

    private String newSessionId() {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        String id;
        do {
            id = "s_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            RANDOM.nextBytes(random);
        } while (sessions.containsKey(id));
        return id;
    }
}
