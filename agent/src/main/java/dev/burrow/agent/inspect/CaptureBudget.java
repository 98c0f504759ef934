package dev.burrow.agent.inspect;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes all exchanges in flight may copy into their captured bodies together: each body is capped on its own,
 * but not how many exchanges are in flight, so 2 000 concurrent uploads would otherwise hold 2 000 × 2 × the body
 * cap. Past the budget, a body keeps counting its size and is kept cut (marked truncated). Bytes go back to the
 * budget when the exchange is stored (the store has its own bound: exchanges × body cap).
 */
public final class CaptureBudget {
    /** Default: 64 MiB of body bytes in flight per agent. */
    public static final long DEFAULT_BYTES = 64L * 1024 * 1024;

    private final long capacity;
    private final AtomicLong available;

    public CaptureBudget(long capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must not be negative");
        }
        this.capacity = capacity;
        this.available = new AtomicLong(capacity);
    }

    /** Takes up to {@code wanted} bytes; returns how many were granted (0 when the budget is spent). */
    int take(int wanted) {
        while (true) {
            long left = available.get();
            if (left <= 0 || wanted <= 0) {
                return 0;
            }
            int granted = (int) Math.min(left, wanted);
            if (available.compareAndSet(left, left - granted)) {
                return granted;
            }
        }
    }

    void give(long bytes) {
        if (bytes > 0) {
            available.addAndGet(bytes);
        }
    }

    /** Bytes not taken right now. */
    public long available() {
        return available.get();
    }

    public long capacity() {
        return capacity;
    }
}
