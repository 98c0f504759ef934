package dev.burrow.edge.tls;

import dev.burrow.protocol.ClientCertificates;
import org.junit.jupiter.api.Test;

import javax.net.ssl.X509TrustManager;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateRevokedException;
import java.security.cert.X509Certificate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client certificate listed in its issuer's CRL fails with a {@code REVOKED} reason (the {@code certificate_revoked}
 * alert), one not listed passes, and a CRL past its nextUpdate is still applied. Certificates and CRLs made by openssl
 * (src/test/resources/revocation/README.md): bob is revoked, alice is not.
 */
class RevocationCheckingTrustManagerTest {
    private static final String NAME = "secure.example.com";

    @Test
    void aListedCertificateIsRevokedAndAnUnlistedOnePasses() throws Exception {
        X509TrustManager trust = remembered("fresh.crl");
        trust.checkClientTrusted(chain("alice.crt"), "EC");
        CertificateException refused = assertThrows(CertificateException.class, () -> trust.checkClientTrusted(chain("bob.crt"), "EC"));
        CertPathValidatorException reason = (CertPathValidatorException) refused.getCause();
        assertEquals(CertPathValidatorException.BasicReason.REVOKED, reason.getReason());
        assertTrue(reason.getCause() instanceof CertificateRevokedException, String.valueOf(reason.getCause()));
        assertTrue(refused.getMessage().contains("is revoked (KEY_COMPROMISE, listed in the CRL of CN=Fixture client CA)"),
                refused.getMessage());
        assertSame(refused, SniTrustManager.withAlert(refused), "Netty maps the REVOKED reason to the alert itself");
    }

    /** Failing open would let bob in, failing closed would refuse alice: it stays applied (and is logged once). */
    @Test
    void aCrlPastItsNextUpdateIsStillApplied() throws Exception {
        X509TrustManager trust = remembered("expired.crl");
        for (int handshake = 0; handshake < 2; handshake++) {
            trust.checkClientTrusted(chain("alice.crt"), "EC");
            assertThrows(CertificateException.class, () -> trust.checkClientTrusted(chain("bob.crt"), "EC"));
        }
    }

    /**
     * What each new connection asks, for a resumed TLS session whose handshake checked no certificate: the name's CAs and
     * CRLs, as the handshake would.
     */
    @Test
    void aConnectionsCertificateIsCheckedAgainUnderTheNameItWasOpenedFor() throws Exception {
        MutualTlsAuthorities authorities = new MutualTlsAuthorities();
        authorities.remember(NAME, new ClientCertificates(fixture("ca.crt"),
                ClientCertificates.Verification.REQUIRE_AND_VERIFY, fixture("fresh.crl")));
        assertTrue(authorities.refuses(NAME, chain("bob.crt")), "revoked");
        assertFalse(authorities.refuses(NAME, chain("alice.crt")));
        assertTrue(authorities.refuses("other.example.com", chain("alice.crt")), "a name not held refuses");
        authorities.remember("elsewhere.example.com", new ClientCertificates(fixture("bob.crt"),
                ClientCertificates.Verification.REQUIRE_AND_VERIFY));
        assertTrue(authorities.refuses("elsewhere.example.com", chain("alice.crt")), "not of that name's CAs");
    }

    @Test
    void crlsThatAreNotOfTheCasAreNotTaken() throws Exception {
        MutualTlsAuthorities authorities = new MutualTlsAuthorities();
        String otherCas = fixture("alice.crt");
        assertFalse(authorities.remember(NAME, new ClientCertificates(otherCas,
                ClientCertificates.Verification.REQUIRE_AND_VERIFY, fixture("fresh.crl"))), "a name that fails closed");
        assertFalse(authorities.remember(NAME, new ClientCertificates(fixture("ca.crt"),
                ClientCertificates.Verification.REQUIRE_AND_VERIFY, "garbage")));
    }

    private static X509TrustManager remembered(String crl) throws IOException {
        MutualTlsAuthorities authorities = new MutualTlsAuthorities();
        assertTrue(authorities.remember(NAME, new ClientCertificates(fixture("ca.crt"),
                ClientCertificates.Verification.REQUIRE_AND_VERIFY, fixture(crl))));
        X509TrustManager trust = authorities.trustManagerFor(NAME);
        assertTrue(trust instanceof RevocationCheckingTrustManager, String.valueOf(trust));
        return trust;
    }

    private static X509Certificate[] chain(String name) throws Exception {
        return new X509Certificate[] {(X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(fixture(name).getBytes(StandardCharsets.US_ASCII)))};
    }

    private static String fixture(String name) throws IOException {
        try (InputStream in = RevocationCheckingTrustManagerTest.class.getResourceAsStream("/revocation/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
