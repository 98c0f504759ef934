package dev.burrow.policy;

import io.vertx.core.Future;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * {@link AuthSessionStore} in one process: the keys in a field, the claimed login ids in an insertion-ordered map of
 * at most {@link #MAX_CLAIMS} entries (the oldest forgotten first, expired ones at the head swept as new ones arrive;
 * one action's claims all live equally long).
 */
public final class InProcessAuthSessionStore implements AuthSessionStore {
    static final InProcessAuthSessionStore SHARED = new InProcessAuthSessionStore(System::currentTimeMillis);
    static final int MAX_CLAIMS = 100_000;

    private final LongSupplier clock;
    private SessionKeys keys = SessionKeys.none();
    private final Map<String, Long> claimedUntil = new LinkedHashMap<>();

    public InProcessAuthSessionStore(LongSupplier clockMillis) {
        this.clock = clockMillis;
    }

    @Override
    public synchronized Future<SessionKeys> keys() {
        keys = keys.rotatedIfDue(clock.getAsLong());
        return Future.succeededFuture(keys);
    }

    /** Adds a fresh key now (tests of rotation). */
    public synchronized void rotate() {
        keys = keys.rotated(clock.getAsLong());
    }

    @Override
    public synchronized Future<Boolean> claimOnce(String id, Duration ttl) {
        long now = clock.getAsLong();
        for (var oldest = claimedUntil.values().iterator(); oldest.hasNext() && oldest.next() <= now; ) {
            oldest.remove();
        }
        if (claimedUntil.containsKey(id)) {
            return Future.succeededFuture(false);
        }
        if (claimedUntil.size() >= MAX_CLAIMS) {
            claimedUntil.remove(claimedUntil.keySet().iterator().next());
        }
        claimedUntil.put(id, now + ttl.toMillis());
        return Future.succeededFuture(true);
    }
}
