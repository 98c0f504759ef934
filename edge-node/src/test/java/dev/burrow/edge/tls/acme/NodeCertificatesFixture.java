package dev.burrow.edge.tls.acme;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.burrow.edge.cluster.HazelcastSetup;
import dev.burrow.edge.config.ClusterSettings;
import dev.burrow.edge.pki.DevPki;
import dev.burrow.edge.store.Database;
import dev.burrow.edge.store.StoreSettings;
import dev.burrow.edge.tls.PublicCertificates;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.shredzone.acme4j.util.KeyPairUtils;

import java.io.IOException;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Date;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What a node holds its public certificates from, as at start: a data directory with the dev PKI, the tenancy
 * database (embedded H2, migrated) with ACME rows in it, and a lone Hazelcast member on loopback. The ACME rows are
 * made the way an order stores them (PEM chain leaf first, then its issuer; PEM key pair of a fresh EC P-256 key made by
 * acme4j, as {@link AcmeClient} makes it), 90-day leaves signed by the dev CA instead of a public CA's intermediate.
 */
final class NodeCertificatesFixture implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    final Path dir;
    final DevPki pki;
    final Database database;
    final AcmeStore store;
    final HazelcastInstance hazelcast;
    private final X509Certificate ca;
    private final PrivateKey caKey;

    NodeCertificatesFixture(Path dir) throws IOException, GeneralSecurityException {
        AcmeClient.registerBouncyCastle();
        this.dir = dir;
        this.pki = DevPki.ensure(dir, "localhost");
        this.ca = DevPki.readCertificate(pki.caCert());
        this.caKey = DevPki.readPrivateKey(dir.resolve(DevPki.CA_KEY));
        this.database = Database.open(StoreSettings.embedded(), dir);
        this.store = new AcmeStore(database.dataSource());
        ClusterSettings cluster = ClusterSettings.defaults().withName("certs-" + UUID.randomUUID().toString().substring(0, 8));
        this.hazelcast = Hazelcast.newHazelcastInstance(HazelcastSetup.config(
                new ClusterSettings(cluster.port(), List.of(), cluster.name(), "127.0.0.1", 0, null, null)));
    }

    /** Stores an ACME-like certificate for each name (a wildcard names its base's children), counted for {@code tenant}. */
    void storeCertificates(List<String> names, String tenant) throws IOException, GeneralSecurityException {
        long now = System.currentTimeMillis();
        storeCertificates(names, tenant, now - 3_600_000, now + 90L * 86_400_000);
    }

    /** The same, valid from {@code notBefore} to {@code notAfter} (epoch milliseconds). */
    void storeCertificates(List<String> names, String tenant, long notBefore, long notAfter) throws IOException, GeneralSecurityException {
        long now = System.currentTimeMillis();
        for (String name : names) {
            KeyPair keyPair = KeyPairUtils.createECKeyPair("secp256r1");
            X509Certificate leaf = leaf(name, keyPair, notBefore, notAfter);
            store.save(new AcmeStore.StoredCertificate(name, tenant, pem(leaf) + pem(ca), AcmeClient.pem(keyPair),
                    leaf.getNotBefore().getTime(), leaf.getNotAfter().getTime(), now));
        }
    }

    /** A leaf for {@code name}, signed by the dev CA, for a key made as an order makes it. */
    private X509Certificate leaf(String name, KeyPair keyPair, long notBefore, long notAfter) throws GeneralSecurityException, IOException {
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca, new BigInteger(64, RANDOM),
                new Date(notBefore), new Date(notAfter), new X500Name("CN=" + name), keyPair.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName(GeneralName.dNSName, name)));
        try {
            return new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKey)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    /** {@code count} names of distinct custom domains: {@code app.customerN.example}. */
    static List<String> customDomains(int count) {
        List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            names.add("app.customer" + i + ".example");
        }
        return names;
    }

    /**
     * The ACME certificates as a node builds them; nothing may be ordered (no CA, no endpoint registry: an order would
     * fail loudly; {@code routes} may be null). Tenant wildcards are held by whom {@code wildcardHolders} says (base to
     * tenant); the holder of any other name is never answered, so a miss orders nothing.
     */
    AutomaticCertificates automatic(Vertx vertx, MeterRegistry metrics, Map<String, String> wildcardHolders, ChallengeRoutes routes) {
        NameEligibility.Holders holders = new NameEligibility.Holders() {
            @Override
            public Future<NameEligibility.Eligible> holderOf(String hostname) {
                return Promise.<NameEligibility.Eligible>promise().future();
            }

            @Override
            public Future<String> wildcardHolder(String base) {
                return Future.succeededFuture(wildcardHolderInCopy(base));
            }

            @Override
            public String wildcardHolderInCopy(String base) {
                return wildcardHolders.get(base);
            }
        };
        return new AutomaticCertificates(vertx, store, null, new NameEligibility(holders, null), new OrderNames("example.com", false),
                routes, hazelcast.getMap(AutomaticCertificates.LOCKS_MAP), hazelcast.getMap(AutomaticCertificates.CERTIFICATES_MAP),
                100_000, new AcmeMetrics(metrics));
    }

    AutomaticCertificates automatic(Vertx vertx, MeterRegistry metrics) {
        return automatic(vertx, metrics, Map.of(), null);
    }

    /** The HTTPS port's certificates as a node builds them: no operator files, the dev certificate as the fallback. */
    PublicCertificates publicCertificates() throws IOException {
        return new PublicCertificates(null, List.of(), new PublicCertificates.FilePair(pki.serverCert(), pki.serverKey()),
                new PublicCertificates.FilePair(pki.caCert(), dir.resolve(DevPki.CA_KEY)));
    }

    X509Certificate ca() {
        return ca;
    }

    private static String pem(X509Certificate certificate) throws GeneralSecurityException {
        return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(certificate.getEncoded()) + "\n-----END CERTIFICATE-----\n";
    }

    @Override
    public void close() {
        if (hazelcast.getLifecycleService().isRunning()) {
            hazelcast.shutdown();
        }
        database.close();
    }
}
