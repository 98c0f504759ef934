package dev.burrow.edge.tls;

import dev.burrow.edge.pki.DevPki;
import dev.burrow.edge.pki.PolicyServerCertificate;
import dev.burrow.edge.registry.Endpoint;
import dev.burrow.edge.registry.EndpointProtocol;
import dev.burrow.edge.registry.EndpointState;
import dev.burrow.policy.TlsTermination;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A policy's server certificate: read and checked (the key is the certificate's, the certificate names the endpoint),
 * then served for that endpoint's name only, the edge's certificates for every other name; never past its notAfter, and
 * never for an endpoint that no longer owns the name.
 */
class EndpointCertificatesTest {
    /** The endpoint whose policy gives the certificates, and the one that takes its name over. */
    private static final Endpoint OWNER = endpoint("ep_1", "s_1");
    private static final Endpoint NEXT_OWNER = endpoint("ep_1", "s_2");

    private static X509Certificate ca;
    private static PrivateKey caKey;
    private static CertifiedKey edgeCertificate;

    /** The edge's own source: one certificate for every name. */
    private static final SniKeyManager.Certificates EDGE = new SniKeyManager.Certificates() {
        @Override
        public CertifiedKey select(String serverName) {
            return edgeCertificate;
        }

        @Override
        public CertifiedKey byAlias(String alias) {
            return edgeCertificate.alias().equals(alias) ? edgeCertificate : null;
        }
    };

    @BeforeAll
    static void pki(@TempDir Path dir) throws Exception {
        DevPki pki = DevPki.ensure(dir, "example.test");
        ca = DevPki.readCertificate(pki.caCert());
        caKey = DevPki.readPrivateKey(dir.resolve(DevPki.CA_KEY));
        edgeCertificate = CertificateFiles.read(pki.serverCert(), pki.serverKey());
    }

    @Test
    void aCertificateWithItsKeyIsReadAndNamesWhatItsLeafNames() throws IOException {
        PolicyServerCertificate read = PolicyServerCertificate.read(pem("app.example.test", "*.wild.example.test"));
        assertEquals(List.of("app.example.test", "*.wild.example.test"), read.names());
        assertNull(read.problem("app.example.test", Instant.now()));
        assertNull(read.problem("a.wild.example.test", Instant.now()));
        assertTrue(read.problem("a.b.wild.example.test", Instant.now()).contains("does not name a.b.wild.example.test"));
        assertTrue(read.problem("other.example.test", Instant.now()).contains("does not name other.example.test"));
        assertTrue(read.problem("app.example.test", Instant.now().plusSeconds(3_000L * 86_400)).contains("expired on"));
    }

    @Test
    void aKeyThatIsNotTheCertificatesOrGarbageIsRefusedWithASentence() throws IOException {
        TlsTermination.ServerCertificate one = pem("app.example.test");
        TlsTermination.ServerCertificate other = pem("app.example.test");
        IOException mismatch = assertThrows(IOException.class,
                () -> PolicyServerCertificate.read(new TlsTermination.ServerCertificate(one.chainPem(), other.keyPem())));
        assertTrue(mismatch.getMessage().startsWith("server_private_key is not the key of server_certificate"), mismatch.getMessage());
        IOException garbage = assertThrows(IOException.class, () -> PolicyServerCertificate.read(
                new TlsTermination.ServerCertificate("-----BEGIN CERTIFICATE-----\nbm9wZQ==\n-----END CERTIFICATE-----\n", one.keyPem())));
        assertTrue(garbage.getMessage().startsWith("server_certificate is not a readable PEM certificate chain"), garbage.getMessage());
        IOException noKey = assertThrows(IOException.class, () -> PolicyServerCertificate.read(
                new TlsTermination.ServerCertificate(one.chainPem(), "-----BEGIN PRIVATE KEY-----\nbm9wZQ==\n-----END PRIVATE KEY-----\n")));
        assertTrue(noKey.getMessage().startsWith("server_private_key is not a readable PEM private key"), noKey.getMessage());
    }

    @Test
    void aRememberedCertificateServesItsNameOnlyAndLeavesWhenForgotten() throws IOException {
        EndpointCertificates certificates = new EndpointCertificates(EDGE);
        assertTrue(certificates.remember("App.Example.Test", pem("app.example.test", "victim.example.test"), OWNER));
        CertifiedKey served = certificates.select("app.example.test");
        assertEquals(List.of("app.example.test", "victim.example.test"), served.names());
        assertSame(served, certificates.byAlias(served.alias()));
        assertSame(edgeCertificate, certificates.select("victim.example.test"), "another name in the certificate is not served by it");
        assertSame(edgeCertificate, certificates.select(null));
        certificates.forget("app.example.test", OWNER);
        assertSame(edgeCertificate, certificates.select("app.example.test"));
        assertNull(certificates.byAlias(served.alias()), "gone, so the TLS engine's cache counts it stale");
        assertEquals(0, certificates.size());
    }

    @Test
    void aCertificateThatDoesNotNameTheSniIsNeverRemembered() throws IOException {
        EndpointCertificates certificates = new EndpointCertificates(EDGE);
        TlsTermination.ServerCertificate victims = pem("victim.example.test");
        assertFalse(certificates.remember("thief.example.test", victims, OWNER));
        assertFalse(certificates.remember("thief.example.test", victims, OWNER), "known not to serve it, not parsed again");
        assertSame(edgeCertificate, certificates.select("thief.example.test"));
        assertFalse(certificates.remember("app.example.test", new TlsTermination.ServerCertificate(
                pem("app.example.test").chainPem(), pem("app.example.test").keyPem()), OWNER), "a key that is not the certificate's");
        assertSame(edgeCertificate, certificates.select("app.example.test"));
    }

    @Test
    void aNewNameBeyondTheCapTakesThePlaceOfAnotherWhichComesBackWithItsNextConnection() throws IOException {
        EndpointCertificates certificates = new EndpointCertificates(EDGE, 2);
        TlsTermination.ServerCertificate a = pem("a.example.test");
        assertTrue(certificates.remember("a.example.test", a, OWNER));
        assertTrue(certificates.remember("b.example.test", pem("b.example.test"), OWNER));
        assertTrue(certificates.remember("c.example.test", pem("c.example.test"), OWNER), "a name past the cap is served");
        assertEquals(2, certificates.size());
        assertEquals(List.of("c.example.test"), certificates.select("c.example.test").names());
        assertTrue(certificates.remember("a.example.test", a, OWNER), "a name that made room is read again");
        assertEquals(List.of("a.example.test"), certificates.select("a.example.test").names());
        assertEquals(2, certificates.size());
    }

    @Test
    void aCertificatePastItsNotAfterGivesWayToTheEdgesOwnAndTheAgentIsToldOnce() throws IOException {
        AtomicLong clock = new AtomicLong(System.currentTimeMillis());
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        List<String> told = new ArrayList<>();
        EndpointCertificates certificates = new EndpointCertificates(EDGE, 10, clock::get).reporting(
                new CertificateExpiryGauges(metrics, EndpointCertificates.SOURCE),
                (endpoint, name, notAfter) -> told.add(endpoint.id() + " " + name + " " + notAfter));
        assertTrue(certificates.remember("app.example.test", pem("app.example.test"), OWNER));
        CertifiedKey own = certificates.select("app.example.test");
        assertNotSame(edgeCertificate, own);
        long notAfter = own.chain()[0].getNotAfter().getTime();
        assertEquals(notAfter / 1000.0, metrics.get(CertificateExpiryGauges.EXPIRY)
                .tags("source", "policy", "name", "app.example.test").gauge().value());

        clock.set(notAfter - Duration.ofDays(3).toMillis());
        assertSame(own, certificates.select("app.example.test"), "three days left: still served (and warned about)");
        clock.set(notAfter);
        assertSame(own, certificates.select("app.example.test"), "valid through its notAfter second");
        clock.set(notAfter + 1);
        assertSame(edgeCertificate, certificates.select("app.example.test"), "expired: the edge's own certificate");
        assertSame(edgeCertificate, certificates.select("App.Example.Test"));
        assertEquals(List.of("ep_1 app.example.test " + Instant.ofEpochMilli(notAfter)), told, "told once");
    }

    /**
     * The race the copy of the registry closes: without it, the lookup that completes last wins, and a lookup of the
     * previous owner that completes after the new owner's would bring its certificate back.
     */
    @Test
    void withoutACopyOfTheRegistryALateLookupOfThePreviousOwnerWouldRestoreItsCertificate() throws IOException {
        EndpointCertificates certificates = new EndpointCertificates(EDGE);
        TlsTermination.ServerCertificate previous = pem("app.example.test");
        TlsTermination.ServerCertificate next = pem("app.example.test");
        assertTrue(certificates.remember("app.example.test", next, NEXT_OWNER));
        assertTrue(certificates.remember("app.example.test", previous, OWNER), "a late completion for the previous owner");
        assertEquals(PolicyServerCertificate.read(previous).chain().get(0),
                certificates.select("app.example.test").chain()[0], "the previous owner's certificate is back");
    }

    @Test
    void aLateLookupOfThePreviousOwnerNeitherRestoresItsCertificateNorDropsTheNewOwners() throws IOException {
        Map<String, Endpoint> copy = new ConcurrentHashMap<>();
        EndpointCertificates certificates = new EndpointCertificates(EDGE).owners(copy::get);
        TlsTermination.ServerCertificate previous = pem("app.example.test");
        TlsTermination.ServerCertificate next = pem("app.example.test");
        copy.put("app.example.test", NEXT_OWNER);

        assertTrue(certificates.remember("app.example.test", previous, OWNER), "the previous owner's late lookup: not refused...");
        assertSame(edgeCertificate, certificates.select("app.example.test"), "...but not kept");
        assertTrue(certificates.remember("app.example.test", next, NEXT_OWNER));
        CertifiedKey nexts = certificates.select("app.example.test");
        assertEquals(PolicyServerCertificate.read(next).chain().get(0), nexts.chain()[0]);
        assertTrue(certificates.remember("app.example.test", previous, OWNER), "another late lookup of the previous owner");
        certificates.forget("app.example.test", OWNER);
        assertSame(nexts, certificates.select("app.example.test"), "neither restored nor forgotten by a stale answer");
        certificates.forget("app.example.test", NEXT_OWNER);
        assertSame(edgeCertificate, certificates.select("app.example.test"), "the owner's own answer forgets it");
    }

    @Test
    void aCertificateLeavesWhenTheCopyOfTheRegistryShowsAnotherOwnerForItsNameOrNone() throws IOException {
        Map<String, Endpoint> copy = new ConcurrentHashMap<>();
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        EndpointCertificates certificates = new EndpointCertificates(EDGE).owners(copy::get)
                .reporting(new CertificateExpiryGauges(metrics, EndpointCertificates.SOURCE), EndpointCertificates.ExpiryNotices.NONE);
        TlsTermination.ServerCertificate previous = pem("app.example.test");
        assertTrue(certificates.remember("app.example.test", previous, OWNER), "a copy that lags a bind takes the lookup's word");
        copy.put("app.example.test", OWNER);
        certificates.ownerChanged("app.example.test");
        assertNotSame(edgeCertificate, certificates.select("app.example.test"), "the copy learned the same owner: kept");

        copy.put("app.example.test", NEXT_OWNER);
        certificates.ownerChanged("app.example.test");
        assertSame(edgeCertificate, certificates.select("app.example.test"), "another owner: dropped");
        assertEquals(0, certificates.size());
        assertTrue(metrics.find(CertificateExpiryGauges.EXPIRY).gauges().isEmpty(), "its expiry row left with it");

        assertTrue(certificates.remember("app.example.test", previous, NEXT_OWNER));
        copy.remove("app.example.test");
        certificates.ownerChanged("app.example.test");
        assertSame(edgeCertificate, certificates.select("app.example.test"), "the endpoint left: dropped");
    }

    private static Endpoint endpoint(String id, String session) {
        return new Endpoint(id, EndpointProtocol.HTTPS, "app.example.test", 0, session, "t:acme", EndpointState.ONLINE);
    }

    /** A certificate for {@code names} signed by the test CA, with its own key, as a policy gives them. */
    static TlsTermination.ServerCertificate pem(String... names) throws IOException {
        DevPki.Issued issued = DevPki.issue(ca, caKey, List.of(names));
        return new TlsTermination.ServerCertificate(DevPki.certificatePem(issued.certificate()), DevPki.privateKeyPem(issued.key()));
    }
}
