package dev.burrow.edge.tls;

import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The CAs each mutual-TLS hostname trusts for client certificates, held in memory so that the handshake reads no
 * registry: the front door {@link #remember}s an endpoint's CAs when it routes a connection for its name, before that
 * connection's handshake starts. A PEM bundle is parsed once and shared by every name that gives the same text.
 */
public final class MutualTlsAuthorities {
    /** Names held at most; a name beyond it replaces nothing and its handshakes fail (logged by the front door). */
    static final int MAX_NAMES = 10_000;

    private record Trusted(String pem, X509TrustManager trustManager) {
    }

    private final Map<String, Trusted> byHostname = new ConcurrentHashMap<>();

    /** Parses (or reuses) {@code pem} as the CAs of {@code hostname}; false when the PEM holds no usable certificate. */
    public boolean remember(String hostname, String pem) {
        Trusted known = byHostname.get(hostname);
        if (known != null && known.pem().equals(pem)) {
            return true;
        }
        if (known == null && byHostname.size() >= MAX_NAMES) {
            return false;
        }
        X509TrustManager parsed = trustManagerOf(pem);
        if (parsed == null) {
            return false;
        }
        byHostname.put(hostname, new Trusted(pem, parsed));
        return true;
    }

    /** Forgets a name that no longer asks for client certificates. */
    public void forget(String hostname) {
        byHostname.remove(hostname);
    }

    /** The PKIX trust manager of the name's CAs (checks signature, validity dates, CA constraints); null: none. */
    X509TrustManager trustManagerFor(String hostname) {
        Trusted trusted = hostname == null ? null : byHostname.get(hostname);
        return trusted == null ? null : trusted.trustManager();
    }

    static X509TrustManager trustManagerOf(String pem) {
        try {
            Collection<? extends Certificate> cas = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            if (cas.isEmpty()) {
                return null;
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate ca : cas) {
                store.setCertificateEntry("ca-" + i++, ca);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(store);
            for (var manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    return x509;
                }
            }
            return null;
        } catch (GeneralSecurityException | java.io.IOException | RuntimeException e) {
            return null;
        }
    }
}
