package dev.burrow.edge.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

/**
 * Checks a client certificate against the CAs of the name the client asked for (its SNI), as
 * {@link MutualTlsAuthorities} holds them: one TLS context serves every mutual-TLS name, each with its own CAs. A name
 * without CAs, a missing SNI, or a certificate that does not chain to the name's CAs (or is expired) fails the
 * handshake. Runs on the event loop during the handshake: in-memory lookups and a PKIX check only.
 */
final class SniTrustManager extends X509ExtendedTrustManager {
    private static final X509Certificate[] NONE = new X509Certificate[0];

    private final MutualTlsAuthorities authorities;

    SniTrustManager(MutualTlsAuthorities authorities) {
        this.authorities = authorities;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        String serverName = SniKeyManager.serverName(engine);
        X509TrustManager trusted = authorities.trustManagerFor(serverName);
        if (trusted == null) {
            throw new CertificateException("no client certificate authorities for " + serverName);
        }
        trusted.checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw unsupported();
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw unsupported();
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw unsupported();
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw unsupported();
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw unsupported();
    }

    /** Only a server's engine checks with this manager: a socket, or a server certificate, never comes. */
    private static CertificateException unsupported() {
        return new CertificateException("only client certificates on an SSLEngine are checked here");
    }

    /** None named: each name has its own CAs, and a client sends the certificate it was given. */
    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return NONE;
    }
}
