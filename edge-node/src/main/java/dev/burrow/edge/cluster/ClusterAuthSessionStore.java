package dev.burrow.edge.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.map.IMap;
import dev.burrow.policy.AuthSessionStore;
import dev.burrow.policy.SessionKeys;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The login actions' cookie keys and completed logins for the whole cluster, in two Hazelcast maps: the key ring is
 * one entry, rotated by an entry processor on its owner (so every node adopts the same new key, and the keys before it
 * still open cookies), and each node keeps its copy for {@link #KEYS_CACHED_MILLIS} (a rotation reaches every node
 * within that; until then a node seals with the previous key, which every node still opens). A completed login is an
 * entry an entry processor adds only if absent, with its expiry, so a callback is accepted once by one node of the cluster. The keys live
 * in the cluster's memory only: restarting every node at once logs every visitor out.
 */
public final class ClusterAuthSessionStore implements AuthSessionStore {
    static final String KEYS_MAP = "burrow-login-cookie-keys";
    static final String CLAIMS_MAP = "burrow-login-completed";
    static final long KEYS_CACHED_MILLIS = 10_000;
    private static final String RING = "ring";

    private final Vertx vertx;
    private final IMap<String, StoredRing> keys;
    private final IMap<String, Boolean> claims;
    private volatile Cached cached;

    private record Cached(SessionKeys keys, long fetchedMillis) {
    }

    public ClusterAuthSessionStore(Vertx vertx, HazelcastInstance hazelcast) {
        this.vertx = vertx;
        this.keys = hazelcast.getMap(KEYS_MAP);
        this.claims = hazelcast.getMap(CLAIMS_MAP);
    }

    @Override
    public Future<SessionKeys> keys() {
        long now = System.currentTimeMillis();
        Cached copy = cached;
        if (copy != null && now - copy.fetchedMillis() < KEYS_CACHED_MILLIS && !copy.keys().rotationDue(now)) {
            return Future.succeededFuture(copy.keys());
        }
        Context context = vertx.getOrCreateContext();
        return Future.fromCompletionStage(keys.submitToKey(RING, new RotateIfDue()), context).map(stored -> {
            SessionKeys ring = stored.toKeys();
            cached = new Cached(ring, now);
            return ring;
        });
    }

    @Override
    public Future<Boolean> claimOnce(String id, Duration ttl) {
        Context context = vertx.getOrCreateContext();
        return Future.fromCompletionStage(claims.submitToKey(id, new ClaimOnce(ttl.toMillis())), context);
    }

    /** Runs on the claim's owner: true and a stored entry (expiring after {@code ttlMillis}) the first time only. */
    record ClaimOnce(long ttlMillis) implements EntryProcessor<String, Boolean, Boolean> {
        @Override
        public Boolean process(Map.Entry<String, Boolean> entry) {
            if (entry.getValue() != null) {
                return false;
            }
            ((ExtendedMapEntry<String, Boolean>) entry).setValue(Boolean.TRUE, ttlMillis, TimeUnit.MILLISECONDS);
            return true;
        }
    }

    /** The ring as Hazelcast stores it (plain serializable data, no policy classes needed to read it). */
    record StoredRing(List<SessionKeys.Key> keys) implements Serializable {
        SessionKeys toKeys() {
            return new SessionKeys(keys);
        }
    }

    /** Runs on the ring's owner: adds a key when the newest is due for rotation (or there is none), returns the ring. */
    static final class RotateIfDue implements EntryProcessor<String, StoredRing, StoredRing> {
        @Override
        public StoredRing process(Map.Entry<String, StoredRing> entry) {
            SessionKeys current = entry.getValue() == null ? SessionKeys.none() : entry.getValue().toKeys();
            SessionKeys next = current.rotatedIfDue(System.currentTimeMillis());
            if (next != current) {
                StoredRing stored = new StoredRing(new ArrayList<>(next.keys()));
                entry.setValue(stored);
                return stored;
            }
            return entry.getValue();
        }
    }
}
