package dev.burrow.edge.tls;

import dev.burrow.edge.registry.Hostnames;
import dev.burrow.protocol.ClientCertificates;
import dev.burrow.protocol.RevocationLists;

import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The CAs each mutual-TLS name trusts for client certificates (or, under {@code require-any}, that it trusts any),
 * held in memory so that the handshake reads no registry: the front door {@link #remember}s an endpoint's CAs when it
 * routes a connection for its name, before that connection's handshake starts. Every method keys by the name the client sent in its SNI, normalized here, which is
 * the name the front door looked the endpoint up by (an endpoint's name is exact: a wildcard cannot be bound), so that
 * what is remembered, looked up and forgotten is one key. A name's PEM is parsed when it is first remembered and again
 * only when its text changes; two names with the same text each hold their own parsed copy. CRLs given with the CAs
 * are parsed with them and checked in each handshake ({@link RevocationCheckingTrustManager}).
 */
public final class MutualTlsAuthorities {
    /** Names held at most; a name beyond it replaces nothing and its handshakes fail (logged by the front door). */
    static final int MAX_NAMES = 10_000;

    private record Trusted(ClientCertificates clients, X509TrustManager trustManager) {
    }

    private final Map<String, Trusted> byServerName = new ConcurrentHashMap<>();

    /**
     * Parses (or reuses) what {@code serverName}'s handshakes check client certificates against; false when its PEM
     * holds no usable certificate, or its CRLs cannot be used.
     */
    public boolean remember(String serverName, ClientCertificates clients) {
        String key = Hostnames.normalize(serverName);
        if (key == null) {
            return false;
        }
        Trusted known = byServerName.get(key);
        if (known != null && known.clients().equals(clients)) {
            return true;
        }
        if (known == null && byServerName.size() >= MAX_NAMES) {
            // Every connection remembers its name again: one left out is read again by its next connection, where
            // refusing would close every connection of a name that came after the cap.
            java.util.Iterator<String> names = byServerName.keySet().iterator();
            if (names.hasNext()) {
                byServerName.remove(names.next());
            }
        }
        X509TrustManager parsed = clients.verification() == ClientCertificates.Verification.REQUIRE_ANY
                ? AnyClientCertificate.INSTANCE : withRevocationLists(key, trustManagerOf(clients.certificateAuthorities()), clients);
        if (parsed == null) {
            return false;
        }
        byServerName.put(key, new Trusted(clients, parsed));
        return true;
    }

    /**
     * The CAs' trust manager, checking the CRLs too when there are any; null when the CRLs cannot be read or are not the
     * CAs' (checked at bind: a record that fails here fails closed, its handshakes refused). A CRL past its nextUpdate is
     * taken ({@link RevocationCheckingTrustManager}).
     */
    private static X509TrustManager withRevocationLists(String serverName, X509TrustManager chains, ClientCertificates clients) {
        if (chains == null || clients.revocationLists() == null) {
            return chains;
        }
        try {
            List<X509CRL> crls = RevocationLists.read(clients.revocationLists());
            return RevocationLists.problem(crls, clients.certificateAuthorities(), null) != null ? null
                    : new RevocationCheckingTrustManager(serverName, chains, crls);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Whether {@code serverName}'s handshakes check exactly {@code clients} already (nothing to parse). */
    public boolean holds(String serverName, ClientCertificates clients) {
        String key = Hostnames.normalize(serverName);
        Trusted known = key == null ? null : byServerName.get(key);
        return known != null && known.clients().equals(clients);
    }

    /** Forgets a name that no longer asks for client certificates. */
    public void forget(String serverName) {
        String key = Hostnames.normalize(serverName);
        if (key != null) {
            byServerName.remove(key);
        }
    }

    /**
     * Whether {@code chain} (a new connection's client certificates, as its TLS session holds them) fails the name's
     * checks now: its CAs and CRLs, as in a handshake; a name not held fails. A resumed session's handshake checked no
     * certificate, and the session may have been made for another name, with other CAs ({@code ClientCertificateRecheck}).
     */
    public boolean refuses(String serverName, java.security.cert.Certificate[] chain) {
        X509TrustManager trusted = trustManagerFor(serverName);
        if (trusted == null || chain.length == 0) {
            return true;
        }
        java.security.cert.X509Certificate[] certificates = new java.security.cert.X509Certificate[chain.length];
        for (int i = 0; i < chain.length; i++) {
            if (!(chain[i] instanceof java.security.cert.X509Certificate x509)) {
                return true;
            }
            certificates[i] = x509;
        }
        try {
            trusted.checkClientTrusted(certificates, certificates[0].getPublicKey().getAlgorithm());
            return false;
        } catch (java.security.cert.CertificateException | RuntimeException e) {
            return true;
        }
    }

    /** The PKIX trust manager of the name's CAs (checks signature, validity dates, CA constraints); null: none. */
    X509TrustManager trustManagerFor(String serverName) {
        String key = Hostnames.normalize(serverName);
        Trusted trusted = key == null ? null : byServerName.get(key);
        return trusted == null ? null : trusted.trustManager();
    }

    static X509TrustManager trustManagerOf(String pem) {
        if (pem == null) {
            return null;
        }
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
