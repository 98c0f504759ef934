package dev.burrow.agent.console;

import dev.burrow.agent.ExchangeObserver;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * ngrok's connection counters: total, open now, rate (exchanges per second over the last minute, rt1) and p50/p90 of
 * the last {@value #WINDOW} exchanges' durations. Fed by the exchanges of every endpoint; thread-safe.
 */
public final class ConnectionStats {
    static final int WINDOW = 1024;
    private static final long MINUTE_NANOS = 60_000_000_000L;

    private final LongSupplier nanoClock;
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong open = new AtomicLong();
    private final long[] durations = new long[WINDOW];
    private final long[] endTimes = new long[WINDOW];
    private int next;
    private int filled;

    public ConnectionStats(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** Counts a connection or exchange opening; the returned runnable counts its end. */
    public Runnable opened() {
        total.incrementAndGet();
        open.incrementAndGet();
        long start = nanoClock.getAsLong();
        boolean[] done = new boolean[1];
        return () -> {
            if (!done[0]) {
                done[0] = true;
                open.decrementAndGet();
                record(start, nanoClock.getAsLong());
            }
        };
    }

    private synchronized void record(long start, long end) {
        durations[next] = end - start;
        endTimes[next] = end;
        next = (next + 1) % WINDOW;
        filled = Math.min(WINDOW, filled + 1);
    }

    /** The observer that counts HTTP exchanges, and passes each one to {@code log} as it ends. */
    public ExchangeObserver observer(RequestLog log) {
        return (client, method, uri, headers) -> {
            Runnable closed = opened();
            return new ExchangeObserver.Exchange() {
                private int status;
                private String reason;

                @Override
                public void response(int status, String message, List<Map.Entry<String, String>> h) {
                    this.status = status;
                    this.reason = message;
                }

                @Override
                public void end() {
                    closed.run();
                    log.exchange(method, uri, status, reason);
                }

                @Override
                public void fail(String why) {
                    closed.run();
                    log.exchange(method, uri, status, status == 0 ? "failed: " + why : reason);
                }
            };
        };
    }

    /** Receives each finished exchange, for the "last requests" list and debug logs. */
    @FunctionalInterface
    public interface RequestLog {
        void exchange(String method, String uri, int status, String reason);
    }

    public synchronized Snapshot snapshot() {
        long now = nanoClock.getAsLong();
        long[] sorted = Arrays.copyOf(durations, filled);
        Arrays.sort(sorted);
        int lastMinute = 0;
        for (int i = 0; i < filled; i++) {
            if (now - endTimes[i] <= MINUTE_NANOS) {
                lastMinute++;
            }
        }
        return new Snapshot(total.get(), open.get(), lastMinute / 60.0, percentile(sorted, 50), percentile(sorted, 90));
    }

    private static double percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, index)] / 1_000_000.0;
    }

    /** Rates per second, durations in milliseconds. */
    public record Snapshot(long total, long open, double ratePerSecond, double p50Millis, double p90Millis) {
    }
}
