package dev.burrow.policy.actions;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Requests and errors over a rolling window kept in a ring of buckets, and the breaker state they imply. Shared by
 * every exchange of one policy, so its methods are synchronized (they are a few arithmetic steps).
 */
final class RollingErrorWindow {
    private final LongSupplier nanoClock;
    private final long bucketNanos;
    private final long[] requests;
    private final long[] errors;
    private final long volumeThreshold;
    private final double errorThreshold;
    private final long trippedNanos;
    private long currentBucket;
    private long trippedUntil = Long.MIN_VALUE;
    private boolean isTrippedFlag;

    RollingErrorWindow(LongSupplier nanoClock, Duration window, int buckets, long volumeThreshold,
                       double errorThreshold, Duration tripped) {
        this.nanoClock = nanoClock;
        this.bucketNanos = Math.max(1, window.toNanos() / buckets);
        this.requests = new long[buckets];
        this.errors = new long[buckets];
        this.volumeThreshold = volumeThreshold;
        this.errorThreshold = errorThreshold;
        this.trippedNanos = tripped.toNanos();
        this.currentBucket = nanoClock.getAsLong() / bucketNanos;
    }

    synchronized boolean isTripped() {
        if (!isTrippedFlag) {
            return false;
        }
        if (nanoClock.getAsLong() - trippedUntil >= 0) {
            isTrippedFlag = false;
            java.util.Arrays.fill(requests, 0);
            java.util.Arrays.fill(errors, 0);
            return false;
        }
        return true;
    }

    synchronized void record(boolean error) {
        long now = nanoClock.getAsLong();
        advance(now / bucketNanos);
        int slot = (int) (currentBucket % requests.length);
        requests[slot]++;
        if (error) {
            errors[slot]++;
        }
        long total = 0;
        long failed = 0;
        for (int i = 0; i < requests.length; i++) {
            total += requests[i];
            failed += errors[i];
        }
        if (!isTrippedFlag && total >= volumeThreshold && (double) failed / total >= errorThreshold) {
            isTrippedFlag = true;
            trippedUntil = now + trippedNanos;
        }
    }

    private void advance(long bucket) {
        long steps = Math.min(bucket - currentBucket, requests.length);
        for (long i = 1; i <= steps; i++) {
            int slot = (int) ((currentBucket + i) % requests.length);
            requests[slot] = 0;
            errors[slot] = 0;
        }
        currentBucket = Math.max(currentBucket, bucket);
    }
}
