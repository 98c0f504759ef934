package dev.burrow.edge.tls;

import io.netty.handler.ssl.OpenSslCertificateException;
import io.netty.handler.ssl.OpenSsl;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import java.net.Socket;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;

/**
 * Checks a client certificate against the CAs of the name the client asked for (its SNI), as
 * {@link MutualTlsAuthorities} holds them: one TLS context serves every mutual-TLS name, each with its own CAs (and
 * CRLs). A name without CAs, a missing SNI, or a certificate that does not chain to the name's CAs (or is expired, or
 * listed in a CRL of its issuer) fails the handshake. Runs on the event loop during the handshake: in-memory lookups and a PKIX check only.
 */
final class SniTrustManager extends X509ExtendedTrustManager {
    private static final X509Certificate[] NONE = new X509Certificate[0];
    /**
     * OpenSSL's (and BoringSSL's) {@code X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY}, sent as {@code unknown_ca}. Not
     * read from tcnative's {@code CertificateVerifier}, whose constants need the native library loaded (the JDK engine
     * serves without it).
     */
    static final int ISSUER_NOT_FOUND = 20;
    private static final java.util.Set<CertPathValidatorException.Reason> MAPPED_BY_NETTY = java.util.Set.of(
            CertPathValidatorException.BasicReason.EXPIRED, CertPathValidatorException.BasicReason.NOT_YET_VALID,
            CertPathValidatorException.BasicReason.REVOKED);

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
        try {
            trusted.checkClientTrusted(chain, authType);
        } catch (CertificateException e) {
            throw withAlert(e);
        }
    }

    /**
     * A chain that leads to none of the name's CAs is told to the client as {@code unknown_ca} (alert 48), as OpenSSL
     * servers do: Netty's OpenSSL binding maps a PKIX "no trust anchor" to an unspecified error, sent as
     * {@code internal_error}, unless the exception carries the OpenSSL error code itself. An expired, not yet valid or
     * revoked certificate keeps its own exception, which Netty already maps to its alert.
     */
    static CertificateException withAlert(CertificateException failure) {
        boolean noPath = false;
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof CertificateExpiredException || cause instanceof CertificateNotYetValidException
                    || cause instanceof CertPathValidatorException invalid && MAPPED_BY_NETTY.contains(invalid.getReason())) {
                return failure;
            }
            noPath |= cause instanceof CertPathBuilderException;
        }
        return noPath && OpenSsl.isAvailable() ? new OpenSslCertificateException(
                "the client certificate does not chain to a trusted CA", failure, ISSUER_NOT_FOUND) : failure;
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
