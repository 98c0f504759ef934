package dev.burrow.edge.tls;

import dev.burrow.edge.pki.DevPki;
import dev.burrow.edge.pki.PolicyServerCertificate;
import dev.burrow.policy.TlsTermination;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A policy's server certificate: read and checked (the key is the certificate's, the certificate names the endpoint),
 * then served for that endpoint's name only, the edge's certificates for every other name.
 */
class EndpointCertificatesTest {
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
        assertTrue(certificates.remember("App.Example.Test", pem("app.example.test", "victim.example.test")));
        CertifiedKey served = certificates.select("app.example.test");
        assertEquals(List.of("app.example.test", "victim.example.test"), served.names());
        assertSame(served, certificates.byAlias(served.alias()));
        assertSame(edgeCertificate, certificates.select("victim.example.test"), "another name in the certificate is not served by it");
        assertSame(edgeCertificate, certificates.select(null));
        certificates.forget("app.example.test");
        assertSame(edgeCertificate, certificates.select("app.example.test"));
        assertNull(certificates.byAlias(served.alias()), "gone, so the TLS engine's cache counts it stale");
        assertEquals(0, certificates.size());
    }

    @Test
    void aCertificateThatDoesNotNameTheSniIsNeverRemembered() throws IOException {
        EndpointCertificates certificates = new EndpointCertificates(EDGE);
        TlsTermination.ServerCertificate victims = pem("victim.example.test");
        assertFalse(certificates.remember("thief.example.test", victims));
        assertFalse(certificates.remember("thief.example.test", victims), "known not to serve it, not parsed again");
        assertSame(edgeCertificate, certificates.select("thief.example.test"));
        assertFalse(certificates.remember("app.example.test", new TlsTermination.ServerCertificate(
                pem("app.example.test").chainPem(), pem("app.example.test").keyPem())), "a key that is not the certificate's");
        assertSame(edgeCertificate, certificates.select("app.example.test"));
    }

    @Test
    void aNewNameBeyondTheCapTakesThePlaceOfAnotherWhichComesBackWithItsNextConnection() throws IOException {
        EndpointCertificates certificates = new EndpointCertificates(EDGE, 2);
        TlsTermination.ServerCertificate a = pem("a.example.test");
        assertTrue(certificates.remember("a.example.test", a));
        assertTrue(certificates.remember("b.example.test", pem("b.example.test")));
        assertTrue(certificates.remember("c.example.test", pem("c.example.test")), "a name past the cap is served");
        assertEquals(2, certificates.size());
        assertEquals(List.of("c.example.test"), certificates.select("c.example.test").names());
        assertTrue(certificates.remember("a.example.test", a), "a name that made room is read again");
        assertEquals(List.of("a.example.test"), certificates.select("a.example.test").names());
        assertEquals(2, certificates.size());
    }

    /** A certificate for {@code names} signed by the test CA, with its own key, as a policy gives them. */
    static TlsTermination.ServerCertificate pem(String... names) throws IOException {
        DevPki.Issued issued = DevPki.issue(ca, caKey, List.of(names));
        return new TlsTermination.ServerCertificate(DevPki.certificatePem(issued.certificate()), DevPki.privateKeyPem(issued.key()));
    }
}
