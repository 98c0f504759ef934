package dev.burrow.edge.tls;

import javax.net.ssl.X509TrustManager;
import java.security.cert.X509Certificate;

/**
 * The trust of {@code require-any}: any client certificate is accepted. The TLS handshake still makes the client prove
 * it holds the certificate's private key (CertificateVerify), so the certificate's fingerprint identifies the client;
 * its names are whatever the client wrote in it.
 */
final class AnyClientCertificate implements X509TrustManager {
    static final AnyClientCertificate INSTANCE = new AnyClientCertificate();
    private static final X509Certificate[] NONE = new X509Certificate[0];

    private AnyClientCertificate() {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
        // any certificate: see the class comment
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws java.security.cert.CertificateException {
        throw new java.security.cert.CertificateException("only client certificates are checked here");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return NONE;
    }
}
