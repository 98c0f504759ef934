package dev.burrow.edge.tenancy;

import java.util.TreeSet;

/**
 * Which seqs of the change log this node has handled. Seqs are handed out when a transaction inserts its change and
 * become visible when it commits, so a reader can see seq 7 before seq 6 (still committing): the cursor keeps reading
 * from below such a hole until it is filled, or for {@link #GAP_GRACE_MILLIS} (a rolled-back transaction, a pruned
 * row, a sequence that skipped values: a hole that never fills). Not thread-safe: one poll at a time.
 */
final class ChangeCursor {
    /** Longer than any write transaction can take (statement timeouts of 2 s, connection wait of 2 s). */
    static final long GAP_GRACE_MILLIS = 10_000;

    /** Every seq up to here is handled (or given up). */
    private long floor;
    /** Handled seqs above {@link #floor}. */
    private final TreeSet<Long> handled = new TreeSet<>();
    private long holeAt = -1;
    private long holeSince;

    ChangeCursor(long start) {
        this.floor = start;
    }

    /** Read the changes above this seq. */
    long floor() {
        return floor;
    }

    boolean isNew(long seq) {
        return seq > floor && !handled.contains(seq);
    }

    void handled(long seq) {
        if (seq > floor) {
            handled.add(seq);
        }
    }

    /** After a read: moves the floor over the handled seqs; over a hole once it has been open for the grace. */
    void advance(long nowMillis) {
        while (true) {
            while (!handled.isEmpty() && handled.first() == floor + 1) {
                floor = handled.pollFirst();
            }
            if (handled.isEmpty()) {
                holeAt = -1;
                return;
            }
            if (holeAt != floor) {
                holeAt = floor;
                holeSince = nowMillis;
                return;
            }
            if (nowMillis - holeSince < GAP_GRACE_MILLIS) {
                return;
            }
            floor = handled.first() - 1;
            holeAt = -1;
        }
    }
}
