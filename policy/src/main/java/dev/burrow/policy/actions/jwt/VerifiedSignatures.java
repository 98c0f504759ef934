package dev.burrow.policy.actions.jwt;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Tokens whose signature was verified recently (or, in a second instance, failed to verify with every key), by their
 * exact text: a client sends the same bearer token on request after request, and a public-key check costs 60 µs
 * (RSA-2048) to 2 ms (ES256, Ed25519) of CPU with the JDK, so a repeated token skips it. Only the signature is remembered, never the claims (expiry, issuer, audience are checked
 * on every request); an entry lives at most {@link #MAX_AGE_NANOS} (the JWKS refresh period), so a key withdrawn from
 * the set stops counting within that time. At most {@link #CAPACITY} tokens, least recently used dropped first.
 */
final class VerifiedSignatures {
    static final int CAPACITY = 4096;
    static final long MAX_AGE_NANOS = JwksSource.MAX_AGE_NANOS;

    private final LongSupplier nanoClock;
    private final Map<String, Long> verifiedAt = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > CAPACITY;
        }
    };

    VerifiedSignatures(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    synchronized boolean contains(String token) {
        Long at = verifiedAt.get(token);
        if (at == null) {
            return false;
        }
        if (nanoClock.getAsLong() - at > MAX_AGE_NANOS) {
            verifiedAt.remove(token);
            return false;
        }
        return true;
    }

    synchronized void add(String token) {
        verifiedAt.put(token, nanoClock.getAsLong());
    }
}
