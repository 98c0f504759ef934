package dev.burrow.edge.tls;

import dev.burrow.edge.pki.DevPki;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslCertificateException;
import io.netty.internal.tcnative.CertificateVerifier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.X509TrustManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A chain that leads to none of the name's CAs carries OpenSSL's own code, so the client is told {@code unknown_ca}. */
class SniTrustManagerTest {

    @Test
    void aCertificateOfAnotherCaFailsWithTheIssuerNotFoundCode(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(OpenSsl.isAvailable(), "the OpenSSL engine serves the public HTTPS port when it loads");
        DevPki trusted = DevPki.ensure(dir.resolve("trusted"), "localhost");
        DevPki other = DevPki.ensure(dir.resolve("other"), "localhost");
        X509TrustManager pkix = MutualTlsAuthorities.trustManagerOf(Files.readString(trusted.caCert()));
        X509Certificate[] stranger = {DevPki.readCertificate(other.serverCert())};
        CertificateException failure = assertThrows(CertificateException.class, () -> pkix.checkClientTrusted(stranger, "EC"));
        CertificateException told = SniTrustManager.withAlert(failure);
        assertTrue(told instanceof OpenSslCertificateException, String.valueOf(told));
        assertEquals(CertificateVerifier.X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, ((OpenSslCertificateException) told).errorCode());
        assertSame(failure, told.getCause(), "the PKIX reason stays in the log");
    }

    @Test
    void otherFailuresKeepTheirOwnException() {
        CertificateException expired = new java.security.cert.CertificateExpiredException("expired");
        assertSame(expired, SniTrustManager.withAlert(expired));
        CertificateException plain = new CertificateException("no client certificate authorities for a.localhost");
        assertSame(plain, SniTrustManager.withAlert(plain));
    }
}
