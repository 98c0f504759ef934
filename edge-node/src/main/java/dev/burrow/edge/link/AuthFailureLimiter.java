package dev.burrow.edge.link;

import io.netty.util.NetUtil;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Counts unknown authtokens per remote address, so that a token spray from one address is answered with
 * AUTH_RATE_LIMITED (and no log line each) once it sent too many within a window. It never refuses a token the edge
 * knows: {@code AgentSession} looks the token up first (a local copy, no database read) and asks the limiter only
 * about unknown ones, so a neighbour behind the same NAT cannot lock valid agents out. A valid token does not reset
 * the count either (else one valid token would unlock a spray).
 *
 * <p>A fixed window per address; an IPv6 address counts for its /64 (one host usually holds a whole /64). The table
 * is bounded: it is kept in order of window start, expired windows are dropped from its head, and when it is full
 * the oldest window makes room, so new addresses are always tracked.
 */
public final class AuthFailureLimiter {
    public static final int DEFAULT_MAX_FAILURES = 20;
    public static final long DEFAULT_WINDOW_NANOS = 60_000_000_000L;
    static final int DEFAULT_MAX_TRACKED = 50_000;

    private final int maxFailures;
    private final long windowNanos;
    private final int maxTracked;
    private final LongSupplier clock;
    /** Address key → its window, oldest window start first (a new window is re-inserted at the tail). */
    private final LinkedHashMap<String, Window> windows = new LinkedHashMap<>();

    public AuthFailureLimiter(int maxFailures, long windowNanos, LongSupplier clock) {
        this(maxFailures, windowNanos, DEFAULT_MAX_TRACKED, clock);
    }

    AuthFailureLimiter(int maxFailures, long windowNanos, int maxTracked, LongSupplier clock) {
        if (maxFailures < 1 || windowNanos < 1 || maxTracked < 1) {
            throw new IllegalArgumentException("maxFailures, windowNanos and maxTracked must be positive");
        }
        this.maxFailures = maxFailures;
        this.windowNanos = windowNanos;
        this.maxTracked = maxTracked;
        this.clock = clock;
    }

    public static AuthFailureLimiter defaults() {
        return new AuthFailureLimiter(DEFAULT_MAX_FAILURES, DEFAULT_WINDOW_NANOS, System::nanoTime);
    }

    /** Seconds until {@code address} may send an unknown token again without being rate limited, or 0. */
    public synchronized long blockedForSeconds(String address) {
        Window window = windows.get(keyOf(address));
        if (window == null) {
            return 0;
        }
        long now = clock.getAsLong();
        if (now - window.start >= windowNanos || window.failures < maxFailures) {
            return 0;
        }
        return Math.max(1, (window.start + windowNanos - now + 999_999_999L) / 1_000_000_000L);
    }

    /** {@code address} sent an unknown authtoken. */
    public synchronized void failed(String address) {
        long now = clock.getAsLong();
        String key = keyOf(address);
        Window window = windows.get(key);
        if (window != null && now - window.start >= windowNanos) {
            windows.remove(key);
            window = null;
        }
        if (window == null) {
            dropExpired(now);
            if (windows.size() >= maxTracked) {
                Iterator<Window> oldest = windows.values().iterator();
                oldest.next();
                oldest.remove();
            }
            window = new Window(now);
            windows.put(key, window);
        }
        window.failures++;
    }

    synchronized int tracked() {
        return windows.size();
    }

    private void dropExpired(long now) {
        Iterator<Map.Entry<String, Window>> entries = windows.entrySet().iterator();
        while (entries.hasNext() && now - entries.next().getValue().start >= windowNanos) {
            entries.remove();
        }
    }

    private static final class Window {
        final long start;
        int failures;

        Window(long start) {
            this.start = start;
        }
    }

    /**
     * What failures are counted under: an IPv4 address as it is, an IPv6 address as its /64 ({@code 2001:db8:1:2::/64}),
     * an IPv4-mapped IPv6 address as its IPv4 address. Text that is no IP literal is used as it is.
     */
    static String keyOf(String address) {
        if (address == null || address.indexOf(':') < 0) {
            return String.valueOf(address);
        }
        String literal = address;
        if (literal.startsWith("[") && literal.endsWith("]")) {
            literal = literal.substring(1, literal.length() - 1);
        }
        int scope = literal.indexOf('%');
        if (scope >= 0) {
            literal = literal.substring(0, scope);
        }
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(literal);
        if (bytes == null) {
            return address;
        }
        if (bytes.length == 4) {
            return NetUtil.bytesToIpAddress(bytes);
        }
        StringBuilder prefix = new StringBuilder(24);
        for (int i = 0; i < 8; i += 2) {
            prefix.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
        }
        return prefix.append(":/64").toString();
    }

    /** The address part of a {@code host:port} text (IPv6 hosts contain colons; the port is after the last one). */
    static String hostOf(String remoteAddress) {
        int colon = remoteAddress == null ? -1 : remoteAddress.lastIndexOf(':');
        return colon <= 0 ? String.valueOf(remoteAddress) : remoteAddress.substring(0, colon);
    }
}
