package dev.burrow.mux;

import dev.burrow.protocol.Datagram;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The datagrams of one link waiting for the socket, bounded in bytes: UDP has no window to stop a sender, so when
 * the link is backed up the newest datagram is dropped (and counted) instead of growing the heap. Space is reserved
 * from any thread ({@link #reserve}) so a sender learns at once whether its datagram was taken; the deque itself is
 * touched only on the link's event loop.
 */
final class DatagramQueue {
    /** Enough for a burst of 350 full-size Ethernet datagrams, or 8 of the largest, per link. */
    static final int DEFAULT_MAX_BYTES = 512 * 1024;

    record Queued(int streamId, Datagram datagram) {
    }

    private final int maxBytes;
    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    private final AtomicLong reservedBytes = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    DatagramQueue(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Takes room for {@code datagram}; false when the queue is full. Any thread. */
    boolean reserve(Datagram datagram) {
        int size = datagram.size();
        long after = reservedBytes.addAndGet(size);
        if (after > maxBytes) {
            reservedBytes.addAndGet(-size);
            return false;
        }
        return true;
    }

    /** Gives back the room of a datagram that was reserved but will not be sent. Any thread. */
    void release(Datagram datagram) {
        reservedBytes.addAndGet(-datagram.size());
    }

    void countDropped() {
        dropped.incrementAndGet();
    }

    long dropped() {
        return dropped.get();
    }

    long queuedBytes() {
        return reservedBytes.get();
    }

    /** Event loop only. */
    void add(int streamId, Datagram datagram) {
        queue.add(new Queued(streamId, datagram));
    }

    /** Event loop only: the oldest datagram, its room given back. */
    Queued poll() {
        Queued next = queue.poll();
        if (next != null) {
            release(next.datagram());
        }
        return next;
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** Event loop only, when the link closes. */
    void clear() {
        Queued next;
        while ((next = queue.poll()) != null) {
            release(next.datagram());
        }
    }
}
