package dev.burrow.edge.link;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Refuses agent authentication from a remote IP address that sent too many refused authtokens within a window, so
 * that a token spray from one address is answered without looking tokens up (and without a log line each). Counts
 * only failures: a valid token never resets the count (else one valid token would unlock a spray). A fixed window
 * per address; the table is bounded, and expired windows are dropped at most once per window.
 */
public final class AuthFailureLimiter {
    public static final int DEFAULT_MAX_FAILURES = 20;
    public static final long DEFAULT_WINDOW_NANOS = 60_000_000_000L;
    private static final int MAX_TRACKED = 50_000;

    private final int maxFailures;
    private final long windowNanos;
    private final LongSupplier clock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private volatile long lastSweep;

    public AuthFailureLimiter(int maxFailures, long windowNanos, LongSupplier clock) {
        if (maxFailures < 1 || windowNanos < 1) {
            throw new IllegalArgumentException("maxFailures and windowNanos must be positive");
        }
        this.maxFailures = maxFailures;
        this.windowNanos = windowNanos;
        this.clock = clock;
        this.lastSweep = clock.getAsLong();
    }

    public static AuthFailureLimiter defaults() {
        return new AuthFailureLimiter(DEFAULT_MAX_FAILURES, DEFAULT_WINDOW_NANOS, System::nanoTime);
    }

    /** Seconds until {@code address} may try again, or 0 when it may now. */
    public long blockedForSeconds(String address) {
        Window window = windows.get(address);
        if (window == null) {
            return 0;
        }
        long now = clock.getAsLong();
        synchronized (window) {
            if (now - window.start >= windowNanos || window.failures < maxFailures) {
                return 0;
            }
            return Math.max(1, (window.start + windowNanos - now + 999_999_999L) / 1_000_000_000L);
        }
    }

    /** {@code address} sent a refused authtoken. */
    public void failed(String address) {
        long now = clock.getAsLong();
        if (windows.size() >= MAX_TRACKED) {
            sweep(now);
            if (windows.size() >= MAX_TRACKED && !windows.containsKey(address)) {
                return;
            }
        }
        Window window = windows.computeIfAbsent(address, a -> new Window(now));
        synchronized (window) {
            if (now - window.start >= windowNanos) {
                window.start = now;
                window.failures = 0;
            }
            window.failures++;
        }
    }

    int tracked() {
        return windows.size();
    }

    private void sweep(long now) {
        if (now - lastSweep < windowNanos) {
            return;
        }
        lastSweep = now;
        windows.values().removeIf(w -> now - w.start >= windowNanos);
    }

    private static final class Window {
        long start;
        int failures;

        Window(long start) {
            this.start = start;
        }
    }

    /** The address part of a {@code host:port} text (IPv6 hosts contain colons; the port is after the last one). */
    static String hostOf(String remoteAddress) {
        int colon = remoteAddress == null ? -1 : remoteAddress.lastIndexOf(':');
        return colon <= 0 ? String.valueOf(remoteAddress) : remoteAddress.substring(0, colon);
    }
}
