package dev.burrow.edge.tls.acme;

import java.util.random.RandomGenerator;

/**
 * When a certificate is renewed: at two thirds of its lifetime, moved by a jitter of up to a thirtieth of the lifetime
 * either way, so that certificates issued together (a cluster's first day) are not all renewed in the same minute.
 * For a 90-day certificate: day 60, give or take 3 days.
 */
public final class RenewalTime {
    private RenewalTime() {
    }

    /** Epoch millis at which to renew a certificate valid from {@code notBefore} to {@code notAfter} (epoch millis). */
    public static long of(long notBefore, long notAfter, RandomGenerator random) {
        long lifetime = Math.max(0, notAfter - notBefore);
        long spread = lifetime / 30;
        long jitter = spread == 0 ? 0 : random.nextLong(-spread, spread + 1);
        return notBefore + lifetime * 2 / 3 + jitter;
    }
}
