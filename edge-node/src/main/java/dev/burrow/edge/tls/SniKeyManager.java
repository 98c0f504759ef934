package dev.burrow.edge.tls;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.X509ExtendedKeyManager;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * Picks the server certificate of each TLS handshake by the SNI the client sent, from the current
 * {@link CertificateTable}. One key manager serves every name, so the TLS engine keeps one context however many
 * names there are; a reload swaps the table and the next handshake sees it. Runs on the event loop, during the
 * handshake: only in-memory lookups.
 */
public final class SniKeyManager extends X509ExtendedKeyManager {
    /** Where certificates come from: in-memory lookups only, they run during handshakes. */
    public interface Certificates {
        /** The certificate for an SNI host name (null: no SNI); never null. */
        CertifiedKey select(String serverName);

        /** A certificate {@link #select} returned, by its alias; null when it is gone. */
        CertifiedKey byAlias(String alias);
    }

    private final Certificates certificates;

    public SniKeyManager(Certificates certificates) {
        this.certificates = certificates;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        CertifiedKey chosen = certificates.select(serverName(engine));
        return fits(chosen, keyType) ? chosen.alias() : null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        CertifiedKey chosen = certificates.select(null);
        return fits(chosen, keyType) ? chosen.alias() : null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        CertifiedKey certified = certificates.byAlias(alias);
        return certified == null ? null : certified.chain().clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        CertifiedKey certified = certificates.byAlias(alias);
        return certified == null ? null : certified.key();
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    /** The host name the client asked for, or null when its ClientHello carried none. */
    static String serverName(SSLEngine engine) {
        SSLSession session = engine == null ? null : engine.getHandshakeSession();
        if (session instanceof ExtendedSSLSession extended) {
            for (SNIServerName name : extended.getRequestedServerNames()) {
                if (name.getType() == StandardConstants.SNI_HOST_NAME) {
                    return name instanceof SNIHostName host ? host.getAsciiName()
                            : new SNIHostName(name.getEncoded()).getAsciiName();
                }
            }
        }
        return null;
    }

    /**
     * Whether the certificate's key can sign for the key type the engine asks about: "EC" or "RSA" (TLS 1.3 and
     * ECDHE suites), "EC_EC"/"EC_RSA" (static ECDH suites, never chosen by current clients), "RSASSA-PSS".
     */
    private static boolean fits(CertifiedKey certified, String keyType) {
        if (keyType == null) {
            return true;
        }
        String algorithm = certified.keyAlgorithm();
        if (algorithm.equals("EC") || algorithm.equals("ECDSA")) {
            return keyType.equals("EC") || keyType.startsWith("EC_");
        }
        if (algorithm.equals("RSA")) {
            return keyType.equals("RSA") || keyType.equals("RSASSA-PSS") || keyType.startsWith("RSA_");
        }
        return keyType.equalsIgnoreCase(algorithm);
    }
}
