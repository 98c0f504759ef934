package dev.burrow.edge.tenancy;

import com.hazelcast.map.IMap;

import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The cluster-wide lock that serialises name claims (and, keyed per tenant, the session quota's recount): a key lock of
 * a Hazelcast map with a lease, so that a node that dies holding it cannot block claims forever. The lease bounds how
 * long a claim may take: a write is only started while enough of the lease is left for a bounded write to finish (the
 * database's timeouts bound a write, {@code store/Database}); a claim that ran out of lease before writing fails with
 * STORE_UNAVAILABLE (try again), never with an internal error. A write that outlives its room anyway (retried, stalled)
 * may overlap the next claim: its unlock then fails and it reports STORE_UNAVAILABLE although the write may have landed,
 * so the caller is told to check the outcome. Blocking: call on a worker thread.
 */
final class ClaimLock {
    static final long WAIT_MILLIS = 10_000;
    static final long LEASE_MILLIS = 30_000;
    /** Lease kept for the last write: a bounded JDBC write (connection 2 s, at most three statements of 2 s each) fits. */
    static final long WRITE_ROOM_MILLIS = 10_000;

    private final IMap<String, ?> map;
    private final String key;
    private final long waitMillis;
    private final long leaseMillis;
    private final long writeRoomMillis;
    /** What the lock serialises, for its refusals: "claiming names". */
    private final String activity;

    ClaimLock(IMap<String, ?> map, String key) {
        this(map, key, WAIT_MILLIS, LEASE_MILLIS, WRITE_ROOM_MILLIS);
    }

    ClaimLock(IMap<String, ?> map, String key, long waitMillis, long leaseMillis, long writeRoomMillis) {
        this(map, key, waitMillis, leaseMillis, writeRoomMillis, "claiming names");
    }

    ClaimLock(IMap<String, ?> map, String key, long waitMillis, long leaseMillis, long writeRoomMillis, String activity) {
        if (writeRoomMillis >= leaseMillis) {
            throw new IllegalArgumentException("the write room must be shorter than the lease");
        }
        this.map = map;
        this.key = key;
        this.waitMillis = waitMillis;
        this.leaseMillis = leaseMillis;
        this.writeRoomMillis = writeRoomMillis;
        this.activity = activity;
    }

    /** A held lock: call {@link #beforeWrite()} right before each write of the claim. */
    final class Lease {
        private final long acquiredNanos = System.nanoTime();

        void beforeWrite() {
            long heldMillis = (System.nanoTime() - acquiredNanos) / 1_000_000;
            if (heldMillis > leaseMillis - writeRoomMillis) {
                throw new TenancyException(TenancyError.STORE_UNAVAILABLE, "claiming the name took " + heldMillis
                        + " ms (the database or the cluster is slow), too long to write it safely; nothing was written, try again");
            }
        }
    }

    <T> T run(Function<Lease, T> work) {
        try {
            if (!map.tryLock(key, waitMillis, TimeUnit.MILLISECONDS, leaseMillis, TimeUnit.MILLISECONDS)) {
                throw new TenancyException(TenancyError.STORE_UNAVAILABLE, "the cluster is busy " + activity + "; try again");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TenancyException(TenancyError.STORE_UNAVAILABLE, "interrupted while " + activity);
        }
        T result;
        try {
            result = work.apply(new Lease());
        } catch (RuntimeException e) {
            unlockQuietly();
            throw e;
        }
        try {
            map.unlock(key);
        } catch (IllegalMonitorStateException e) {
            // The lease ended first: another claim may have run meanwhile, so this one is not confirmed.
            throw new TenancyException(TenancyError.STORE_UNAVAILABLE,
                    "the cluster lock for " + activity + " ended before the work did (the database or the cluster is slow); "
                    + "check the outcome and try again");
        }
        return result;
    }

    private void unlockQuietly() {
        try {
            map.unlock(key);
        } catch (IllegalMonitorStateException ignored) {
            // the lease already ended
        }
    }
}
