package dev.burrow.edge.tls;

import dev.burrow.edge.pki.PolicyServerCertificate;
import dev.burrow.edge.registry.Endpoint;
import dev.burrow.policy.TlsTermination;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One name's policy certificate as {@link EndpointCertificates} holds it: its PEM text, what was read from it (null when
 * it cannot serve the name), the endpoint whose policy gave it, and the two moments a handshake compares the clock to
 * (a long each): {@link #SOON} before it expires, and when it expires. Each is logged once.
 */
final class HeldCertificate {
    /** How long before its expiry a policy certificate is warned about. */
    static final Duration SOON = PolicyServerCertificate.EXPIRY_WARNING;

    private final TlsTermination.ServerCertificate pem;
    private final CertifiedKey certified;
    private final Endpoint endpoint;
    private final long soonMillis;
    private final long notAfterMillis;
    private final AtomicBoolean warnedSoon;
    private final AtomicBoolean warnedExpired = new AtomicBoolean();

    /** @param nowMillis when it is read: a certificate already within {@link #SOON} then was warned about at bind */
    HeldCertificate(TlsTermination.ServerCertificate pem, CertifiedKey certified, Endpoint endpoint, long nowMillis) {
        this.pem = pem;
        this.certified = certified;
        this.endpoint = endpoint;
        this.notAfterMillis = certified == null ? Long.MAX_VALUE : certified.chain()[0].getNotAfter().getTime();
        this.soonMillis = notAfterMillis == Long.MAX_VALUE ? Long.MAX_VALUE : notAfterMillis - SOON.toMillis();
        this.warnedSoon = new AtomicBoolean(nowMillis >= soonMillis);
    }

    TlsTermination.ServerCertificate pem() {
        return pem;
    }

    /** What serves the name; null when this certificate cannot. */
    CertifiedKey certified() {
        return certified;
    }

    Endpoint endpoint() {
        return endpoint;
    }

    long notAfterMillis() {
        return notAfterMillis;
    }

    /** Whether {@code other} is the endpoint, and the owner session, this certificate came from. */
    boolean isOf(Endpoint other) {
        if (endpoint == null || other == null) {
            return endpoint == other;
        }
        return endpoint.id().equals(other.id()) && endpoint.sessionId().equals(other.sessionId());
    }

    /** Whether it is within {@link #SOON} of its expiry or past it at {@code nowMillis}: one compare, the handshake's. */
    boolean lateAt(long nowMillis) {
        return nowMillis >= soonMillis;
    }

    /** Whether it has expired at {@code nowMillis} (valid through its notAfter second, as clients check). */
    boolean expiredAt(long nowMillis) {
        return nowMillis > notAfterMillis;
    }

    /** True the first time only: the caller logs that it will expire soon. */
    boolean firstSoonWarning() {
        return warnedSoon.compareAndSet(false, true);
    }

    /** True the first time only: the caller logs that it expired. */
    boolean firstExpiredWarning() {
        return warnedExpired.compareAndSet(false, true);
    }
}
