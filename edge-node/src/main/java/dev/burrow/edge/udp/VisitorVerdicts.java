package dev.burrow.edge.udp;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the module chain decided for each visitor address of one UDP port, so that the policy runs once per visitor,
 * not once per datagram. Bounded like {@link RecentVisitors}: past {@link #MAX_VISITORS} the least recently seen
 * visitor is forgotten (and asked again when it sends), and a decision older than the expiry is asked again, so a
 * policy that changed applies within it. Only the port's event loop touches it.
 */
final class VisitorVerdicts {
    static final int MAX_VISITORS = RecentVisitors.MAX_VISITORS;

    /** A decision not reached yet: datagrams of that visitor are dropped until it is. */
    enum Decision { ALLOWED, REFUSED, PENDING }

    private record Entry(Decision decision, long decidedAt) {
    }

    private final long expiryNanos;
    private final LinkedHashMap<String, Entry> byVisitor = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > MAX_VISITORS;
        }
    };

    VisitorVerdicts(java.time.Duration expiry) {
        this.expiryNanos = expiry.toNanos();
    }

    /** The decision for {@code visitor}, or null when it must be asked (never asked, expired, forgotten). */
    Decision get(String visitor) {
        Entry entry = byVisitor.get(visitor);
        if (entry == null) {
            return null;
        }
        if (entry.decision() != Decision.PENDING && System.nanoTime() - entry.decidedAt() > expiryNanos) {
            byVisitor.remove(visitor);
            return null;
        }
        return entry.decision();
    }

    void put(String visitor, Decision decision) {
        byVisitor.put(visitor, new Entry(decision, System.nanoTime()));
    }

    /** Forgets every decision (the endpoint's policy changed). */
    void clear() {
        byVisitor.clear();
    }

    int size() {
        return byVisitor.size();
    }
}
