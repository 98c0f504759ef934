package dev.burrow.edge.tls;

import dev.burrow.protocol.RevocationLists;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.X509TrustManager;
import javax.security.auth.x500.X500Principal;
import java.security.cert.CRLReason;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateRevokedException;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A mutual-TLS name's trust with its CRLs: the PKIX trust manager of its CAs checks the chain, then each certificate the
 * client sent is looked up in the CRLs of its issuer ({@link X509CRL#getRevokedCertificate}, a map lookup in the JDK's
 * CRL); a listed one fails the handshake with the {@code certificate_revoked} alert (a {@link CertPathValidatorException}
 * of reason {@code REVOKED}, which Netty's OpenSSL binding and the JDK engine both send as that alert).
 * <p>
 * Not the JDK's {@code PKIXRevocationChecker}: it skips a CRL past its nextUpdate (and one without a nextUpdate), so an
 * expired CRL would either let every certificate it lists back in (soft fail) or refuse every client (hard fail). Here a
 * CRL that expires while bound is still applied, and logged once. Nothing is fetched: no CRL distribution point and no
 * OCSP responder is called from the handshake, which runs on an event loop. Runs on the event loop of the handshake.
 */
final class RevocationCheckingTrustManager implements X509TrustManager {
    private static final Logger LOG = LoggerFactory.getLogger(RevocationCheckingTrustManager.class);

    private final String serverName;
    private final X509TrustManager chains;
    private final Map<X500Principal, List<X509CRL>> byIssuer = new HashMap<>();
    private final List<X509CRL> notWarned;
    /** The soonest nextUpdate among the CRLs not logged as expired yet (epoch millis); read on every handshake. */
    private volatile long nextExpiry;

    /**
     * @param serverName the name whose handshakes this serves, for the log
     * @param chains     the PKIX trust manager of the name's CAs
     * @param crls       CRLs of those CAs, checked against them at bind ({@link RevocationLists#problem})
     */
    RevocationCheckingTrustManager(String serverName, X509TrustManager chains, List<X509CRL> crls) {
        this.serverName = serverName;
        this.chains = chains;
        for (X509CRL crl : crls) {
            byIssuer.computeIfAbsent(crl.getIssuerX500Principal(), issuer -> new ArrayList<>(1)).add(crl);
        }
        this.notWarned = new ArrayList<>(crls);
        this.nextExpiry = soonestNextUpdate();
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        chains.checkClientTrusted(chain, authType);
        if (System.currentTimeMillis() >= nextExpiry) {
            warnExpired(Instant.now());
        }
        for (X509Certificate certificate : chain) {
            CertificateException revoked = revocation(certificate);
            if (revoked != null) {
                throw revoked;
            }
        }
    }

    /** Why {@code certificate} is refused, when a CRL of its issuer lists it; null when none does. */
    private CertificateException revocation(X509Certificate certificate) {
        List<X509CRL> crls = byIssuer.get(certificate.getIssuerX500Principal());
        for (int i = 0; crls != null && i < crls.size(); i++) {
            X509CRLEntry entry = crls.get(i).getRevokedCertificate(certificate);
            if (entry != null) {
                return revoked(certificate, crls.get(i), entry);
            }
        }
        return null;
    }

    private static CertificateException revoked(X509Certificate certificate, X509CRL crl, X509CRLEntry entry) {
        CRLReason reason = entry.getRevocationReason() == null ? CRLReason.UNSPECIFIED : entry.getRevocationReason();
        String what = "the client certificate " + certificate.getSerialNumber().toString(16) + " of "
                + certificate.getIssuerX500Principal().getName() + " is revoked (" + reason + ", listed in "
                + RevocationLists.name(crl) + ")";
        CertificateRevokedException listed = new CertificateRevokedException(entry.getRevocationDate(), reason,
                crl.getIssuerX500Principal(), Map.of());
        return new CertificateException(what,
                new CertPathValidatorException(what, listed, null, -1, CertPathValidatorException.BasicReason.REVOKED));
    }

    /**
     * Logs each CRL that has passed its nextUpdate, once: it stays applied, since ignoring it would let the certificates
     * it lists back in and refusing every client would lock the endpoint's visitors out until a fresh one is given.
     */
    private synchronized void warnExpired(Instant now) {
        notWarned.removeIf(crl -> {
            if (!RevocationLists.expired(crl, now)) {
                return false;
            }
            LOG.warn("mutual TLS of {}: {} expired at {} (its nextUpdate); it is still applied until a fresh one is given "
                    + "(update the policy's mutual_tls_crls, or restart the agent with a new --mutual-tls-crls file)",
                    serverName, RevocationLists.name(crl), crl.getNextUpdate().toInstant());
            return true;
        });
        nextExpiry = soonestNextUpdate();
    }

    private long soonestNextUpdate() {
        long soonest = Long.MAX_VALUE;
        for (X509CRL crl : notWarned) {
            if (crl.getNextUpdate() != null) {
                soonest = Math.min(soonest, crl.getNextUpdate().getTime());
            }
        }
        return soonest;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("only client certificates are checked here");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return chains.getAcceptedIssuers();
    }
}
