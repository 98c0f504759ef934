package dev.burrow.policy;

import io.vertx.core.Future;

import java.time.Duration;

/**
 * The counters behind {@code rate-limit}: one sliding window per key. The edge supplies a cluster-wide implementation
 * (the capacity then holds across every node that serves the endpoint); {@link #inProcess()} counts in this JVM.
 * Keys are built by the engine from the endpoint, the action's place in the policy and the bucket-key values, so the
 * same policy compiled on two nodes uses the same keys.
 */
public interface RateLimitCounters {

    /**
     * Counts one event against {@code key} if the window has room, and says whether it had. The future must complete
     * on the caller's Vert.x context (as futures of Vert.x APIs do): the rest of the exchange's phase continues on
     * whatever thread completes it, and exchanges are driven from one event loop.
     */
    Future<Decision> acquire(String key, long capacity, Duration window);

    /**
     * {@code allowed}: the event was counted and may proceed; otherwise {@code retryAfter} is how long until the window
     * has room again (at least one second, as {@code Retry-After} counts in seconds).
     */
    record Decision(boolean allowed, long remaining, Duration retryAfter) implements java.io.Serializable {
    }

    /** One set of counters for this process, shared by every policy in it. */
    static RateLimitCounters inProcess() {
        return InProcessRateLimitCounters.SHARED;
    }
}
