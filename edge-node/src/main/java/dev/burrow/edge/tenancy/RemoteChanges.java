package dev.burrow.edge.tenancy;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.burrow.edge.store.ChangeLog;
import dev.burrow.edge.store.JsonTableStore;
import dev.burrow.protocol.ErrorCode;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Brings the other regions' tenancy writes into this region's cluster: each region is its own Hazelcast cluster, and
 * they share only the database. Every {@link #POLL_EVERY} (on a worker thread) this node reads the change log after
 * the last seq it handled, skips its own region's changes, re-reads each changed row and puts it in the local map
 * without writing it back ({@code putTransient}), or evicts the key when the row is gone (an eviction does not delete
 * from the database; {@link LocalMirror} treats it as a removal). A token now revoked, or a tenant deleted, closes the
 * region's matching sessions as a local revocation does. Every node polls; applying a change twice does no harm.
 */
public final class RemoteChanges {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteChanges.class);
    public static final Duration POLL_EVERY = Duration.ofSeconds(2);
    static final Duration PRUNE_EVERY = Duration.ofMinutes(5);

    private final Vertx vertx;
    private final HazelcastInstance hazelcast;
    private final ChangeLog log;
    private final Map<String, JsonTableStore<?>> stores;
    private final TenantSessions sessions;
    private final ChangeCursor cursor;
    private final AtomicBoolean polling = new AtomicBoolean();
    private final AtomicLong applied = new AtomicLong();
    private volatile boolean failing;
    private volatile boolean stopped;
    private long nextPruneAt;
    private long timer = -1;

    /** {@code fromSeq}: the change log's last seq read before this node loaded the maps (they hold everything up to it). */
    public RemoteChanges(Vertx vertx, HazelcastInstance hazelcast, ChangeLog log, long fromSeq, TenantSessions sessions) {
        this.vertx = vertx;
        this.hazelcast = hazelcast;
        this.log = log;
        this.stores = TenancyMaps.stores(log.dataSource(), null);
        this.sessions = sessions;
        this.cursor = new ChangeCursor(fromSeq);
        this.nextPruneAt = System.currentTimeMillis() + PRUNE_EVERY.toMillis();
    }

    public void start() {
        timer = vertx.setPeriodic(POLL_EVERY.toMillis(), id -> poll());
    }

    public void stop() {
        stopped = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** Changes of other regions applied here so far. */
    public long appliedCount() {
        return applied.get();
    }

    private void poll() {
        if (!polling.compareAndSet(false, true)) {
            return; // the previous poll is still running (a slow database)
        }
        vertx.executeBlocking(() -> {
            synchronized (cursor) {
                pollBlocking();
            }
            return null;
        }, false).onComplete(done -> {
            polling.set(false);
            if (stopped) {
                return; // a poll that raced the node's shutdown
            }
            if (done.failed()) {
                if (!failing) {
                    LOG.warn("region {}: cannot read the other regions' tenancy changes (retrying every {} s): {}",
                            log.region(), POLL_EVERY.toSeconds(), done.cause().getMessage());
                }
                failing = true;
            } else if (failing) {
                failing = false;
                LOG.info("region {}: reading the other regions' tenancy changes again", log.region());
            }
        });
    }

    private void pollBlocking() {
        for (ChangeLog.Change change : log.after(cursor.floor())) {
            if (!cursor.isNew(change.seq())) {
                continue;
            }
            if (!change.region().equals(log.region())) {
                apply(change);
                applied.incrementAndGet();
            }
            cursor.handled(change.seq());
        }
        long now = System.currentTimeMillis();
        cursor.advance(now);
        if (now >= nextPruneAt) {
            nextPruneAt = now + PRUNE_EVERY.toMillis();
            int pruned = log.prune(ChangeLog.KEEP);
            LOG.debug("region {}: pruned {} tenancy changes older than {}", log.region(), pruned, ChangeLog.KEEP);
        }
    }

    private void apply(ChangeLog.Change change) {
        JsonTableStore<?> store = stores.get(change.map());
        if (store == null) {
            LOG.debug("tenancy change {} of unknown map {} (a newer version's?): ignored", change.seq(), change.map());
            return;
        }
        Object row = store.load(change.key()); // the row as it is now: later changes of the key only repeat this
        IMap<String, Object> map = hazelcast.getMap(change.map());
        if (row != null) {
            map.putTransient(change.key(), row, 0, TimeUnit.SECONDS);
        } else {
            map.evict(change.key());
        }
        LOG.debug("tenancy change {} from region {}: {} {} {}", change.seq(), change.region(), change.map(), change.key(),
                row == null ? "removed" : "updated");
        if (row instanceof TokenRecord token && token.revoked()) {
            sessions.kick(token.tenantId(), null, token.id(), ErrorCode.AUTH_REVOKED, "the session's authtoken was revoked");
        } else if (row == null && TenantStore.TENANTS_MAP.equals(change.map())) {
            sessions.kick(change.key(), null, null, ErrorCode.AUTH_REVOKED, "the account was deleted");
        }
    }
}
