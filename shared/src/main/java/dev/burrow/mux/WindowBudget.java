package dev.burrow.mux;

import dev.burrow.protocol.ProtocolLimits;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes by which streams' receive windows may grow past their initial window, shared out: each link has a budget that
 * draws on its process's, and a window widens only by what both still have. A stream gives its share back when its
 * window narrows again (its reader fell behind), when the peer's data ended, or when the stream closes. So the memory
 * that peers can make a process hold is bounded by its streams' initial windows plus the process's budget, whatever
 * its readers do. Thread-safe: the links of a process run on different event loops.
 */
public final class WindowBudget {
    private static final WindowBudget PROCESS = new WindowBudget(
            Long.getLong("burrow.mux.nodeWideningBudget", ProtocolLimits.NODE_WIDENING_BUDGET), null);

    private final long limit;
    private final WindowBudget parent;
    private final AtomicLong taken = new AtomicLong();

    private WindowBudget(long limit, WindowBudget parent) {
        if (limit < 0) {
            throw new IllegalArgumentException("a window budget must be at least 0 bytes, got " + limit);
        }
        this.limit = limit;
        this.parent = parent;
    }

    /** The budget every link of this process draws on ({@code -Dburrow.mux.nodeWideningBudget=BYTES}). */
    public static WindowBudget process() {
        return PROCESS;
    }

    /** A budget of its own, for tests that must not share the process's. */
    public static WindowBudget standalone(long limit) {
        return new WindowBudget(limit, null);
    }

    /** A budget of {@code limit} bytes (one link's) that draws on this one too. */
    WindowBudget child(long limit) {
        return new WindowBudget(limit, this);
    }

    /** Takes up to {@code wanted} bytes from this budget and the ones it draws on; returns how many it got (0 when spent). */
    int take(int wanted) {
        int here = takeHere(wanted);
        if (here == 0 || parent == null) {
            return here;
        }
        int above = parent.take(here);
        if (above < here) {
            taken.addAndGet(above - here);
        }
        return above;
    }

    private int takeHere(int wanted) {
        while (true) {
            long now = taken.get();
            long granted = Math.min(wanted, limit - now);
            if (granted <= 0) {
                return 0;
            }
            if (taken.compareAndSet(now, now + granted)) {
                return (int) granted;
            }
        }
    }

    /** Gives back {@code bytes} that {@link #take} granted. */
    void giveBack(int bytes) {
        if (bytes <= 0) {
            return;
        }
        taken.addAndGet(-bytes);
        if (parent != null) {
            parent.giveBack(bytes);
        }
    }

    /** Bytes taken now (by widened windows). */
    public long taken() {
        return taken.get();
    }

    public long limit() {
        return limit;
    }

    @Override
    public String toString() {
        return "window budget " + taken.get() + "/" + limit + " bytes";
    }
}
