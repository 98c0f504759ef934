package dev.burrow.edge.udp;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The visitor addresses that sent to one UDP port lately. A reply may only go to one of them: otherwise an agent
 * could make the edge send datagrams to any address on the internet (a reflection source). Bounded: past
 * {@link #MAX_VISITORS} the least recently active visitor is forgotten (a flood of source addresses costs a fixed
 * amount of memory), and a visitor silent for the expiry is forgotten too. Any thread.
 */
final class RecentVisitors {
    static final int MAX_VISITORS = 16_384;

    private final long expiryNanos;
    private final LinkedHashMap<String, Long> lastSeen = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > MAX_VISITORS;
        }
    };

    RecentVisitors(java.time.Duration expiry) {
        this.expiryNanos = expiry.toNanos();
    }

    synchronized void seen(String address) {
        lastSeen.put(address, System.nanoTime());
    }

    synchronized boolean isRecent(String address) {
        Long seen = lastSeen.get(address);
        if (seen == null) {
            return false;
        }
        if (System.nanoTime() - seen > expiryNanos) {
            lastSeen.remove(address);
            return false;
        }
        return true;
    }

    synchronized int size() {
        return lastSeen.size();
    }
}
