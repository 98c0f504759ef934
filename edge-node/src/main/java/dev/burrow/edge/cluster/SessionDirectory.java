package dev.burrow.edge.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import io.vertx.core.Future;

/**
 * Cluster-wide session id → owner key (the fingerprint of the token that opened the session), so a link that resumes
 * a session or joins it as an extra link on another node proves it holds the same token.
 */
public final class SessionDirectory {
    public static final String SESSIONS_MAP = "burrow.sessions";

    private final IMap<String, String> owners;

    public SessionDirectory(HazelcastInstance hazelcast) {
        this.owners = hazelcast.getMap(SESSIONS_MAP);
    }

    public void register(String sessionId, String ownerKey) {
        owners.setAsync(sessionId, ownerKey);
    }

    /** The owner key of a session, or null when the cluster does not know it. */
    public Future<String> ownerOf(String sessionId) {
        return Future.fromCompletionStage(owners.getAsync(sessionId));
    }

    public void forget(String sessionId) {
        owners.removeAsync(sessionId);
    }
}
