package dev.burrow.edge.link;

import dev.burrow.edge.config.DurationText;
import dev.burrow.edge.registry.Endpoint;
import dev.burrow.edge.registry.EndpointRegistry;
import dev.burrow.protocol.ErrorCode;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Agent sessions of this node and the link that currently carries each. A session outlives its link: when the link
 * drops, the session's endpoints go OFFLINE and stay reserved for the offline grace period; a new link that
 * authenticates with the same token and {@code resumeSessionId} takes the session over (closing a stale old link).
 * Owns the grace timers. Thread-safe.
 */
public final class SessionTable implements AgentLinks {
    private static final Logger LOG = LoggerFactory.getLogger(SessionTable.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Vertx vertx;
    private final EndpointRegistry registry;
    private final Duration offlineGrace;
    private final Consumer<List<Endpoint>> onEndpointsRemoved;
    private final Map<String, SessionRecord> sessions = new HashMap<>();
    private boolean closed;

    private static final class SessionRecord {
        final String id;
        final String ownerKey;
        AgentSession link;
        long expiryTimer = -1;

        SessionRecord(String id, String ownerKey) {
            this.id = id;
            this.ownerKey = ownerKey;
        }
    }

    /** What {@link #attach} decided. */
    public record Attachment(String sessionId, boolean resumed) {
    }

    /**
     * @param onEndpointsRemoved told which endpoints were removed when a grace period ended (to close TCP ports)
     */
    public SessionTable(Vertx vertx, EndpointRegistry registry, Duration offlineGrace,
                        Consumer<List<Endpoint>> onEndpointsRemoved) {
        this.vertx = vertx;
        this.registry = registry;
        this.offlineGrace = offlineGrace;
        this.onEndpointsRemoved = onEndpointsRemoved;
    }

    /**
     * Attaches an authenticated link: to the session {@code resumeSessionId} when it exists and belongs to the same
     * token (its old link, if still open, is closed), otherwise to a new session.
     */
    public Attachment attach(AgentSession link, String ownerKey, String resumeSessionId) {
        AgentSession replaced = null;
        Attachment attachment;
        synchronized (this) {
            SessionRecord record = resumeSessionId == null ? null : sessions.get(resumeSessionId);
            if (record != null && record.ownerKey.equals(ownerKey)) {
                replaced = record.link;
                cancelExpiry(record);
                record.link = link;
                attachment = new Attachment(record.id, true);
            } else {
                record = new SessionRecord(newSessionId(), ownerKey);
                record.link = link;
                sessions.put(record.id, record);
                attachment = new Attachment(record.id, false);
            }
        }
        if (replaced != null && replaced != link) {
            replaced.closeReplaced();
        }
        return attachment;
    }

    /**
     * Called when a link closed. If it still carried its session, the session's endpoints go OFFLINE and are removed
     * after the offline grace unless a new link resumes the session.
     */
    public void detach(String sessionId, AgentSession link) {
        synchronized (this) {
            SessionRecord record = sessions.get(sessionId);
            if (record == null || record.link != link) {
                return;
            }
            record.link = null;
            if (closed) {
                return;
            }
            long graceMillis = offlineGrace.toMillis();
            if (graceMillis > 0) {
                record.expiryTimer = vertx.setTimer(graceMillis, id -> expire(sessionId));
            }
        }
        registry.markOffline(sessionId).onSuccess(endpoints -> {
            if (!endpoints.isEmpty()) {
                LOG.info("session {}: agent link lost; {} endpoint(s) offline, reserved for {}", sessionId,
                        endpoints.size(), DurationText.format(offlineGrace));
            }
            if (offlineGrace.isZero()) {
                expire(sessionId);
            }
        });
    }

    private void expire(String sessionId) {
        synchronized (this) {
            SessionRecord record = sessions.get(sessionId);
            if (record == null || record.link != null) {
                return;
            }
            record.expiryTimer = -1;
            sessions.remove(sessionId);
        }
        registry.removeOffline(sessionId).onSuccess(removed -> {
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

    /** Sessions with a live link. */
    public synchronized int liveSessionCount() {
        return (int) sessions.values().stream().filter(r -> r.link != null).count();
    }

    /** Sessions known (live or within their offline grace). */
    public synchronized int sessionCount() {
        return sessions.size();
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
