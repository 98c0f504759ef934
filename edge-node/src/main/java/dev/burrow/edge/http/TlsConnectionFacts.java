package dev.burrow.edge.http;

import dev.burrow.digest.Sha256;
import dev.burrow.policy.ConnectionFacts;
import io.vertx.core.http.HttpConnection;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * What policies see of a terminated TLS connection ({@code conn.tls.*}): version, cipher suite, SNI, and the
 * client certificate the handshake verified (mutual TLS). Read once per connection, when it is accepted.
 */
final class TlsConnectionFacts {
    private static final int SAN_DNS = 2;
    private static final int SAN_EMAIL = 1;

    private TlsConnectionFacts() {
    }

    /**
     * The facts of {@code connection}'s TLS session; null on a plain connection. A server that never asks for client
     * certificates ({@code clientCertificatesAsked} false) has none to read: asking the session would only throw (an
     * exception and its stack trace per connection).
     */
    static ConnectionFacts.TlsFacts of(HttpConnection connection, boolean clientCertificatesAsked) {
        SSLSession session = connection.sslSession();
        if (session == null) {
            return null;
        }
        return new ConnectionFacts.TlsFacts(session.getProtocol(), session.getCipherSuite(),
                MisdirectedRequest.serverName(session), clientCertificatesAsked ? client(session) : null);
    }

    private static ConnectionFacts.ClientCertificate client(SSLSession session) {
        try {
            Certificate[] chain = session.getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate leaf ? describe(leaf) : null;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    static ConnectionFacts.ClientCertificate describe(X509Certificate leaf) {
        String subject = leaf.getSubjectX500Principal().getName();
        String issuer = leaf.getIssuerX500Principal().getName();
        return new ConnectionFacts.ClientCertificate(subject, commonName(subject), issuer, commonName(issuer),
                leaf.getSerialNumber().toString(16), fingerprint(leaf), alternativeNames(leaf, SAN_DNS),
                alternativeNames(leaf, SAN_EMAIL));
    }

    private static String commonName(String distinguishedName) {
        try {
            for (Rdn rdn : new LdapName(distinguishedName).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return String.valueOf(rdn.getValue());
                }
            }
        } catch (InvalidNameException e) {
            return "";
        }
        return "";
    }

    private static String fingerprint(X509Certificate leaf) {
        try {
            return Sha256.hex(leaf.getEncoded());
        } catch (CertificateEncodingException e) {
            return "";
        }
    }

    private static List<String> alternativeNames(X509Certificate leaf, int type) {
        try {
            Collection<List<?>> names = leaf.getSubjectAlternativeNames();
            List<String> found = new ArrayList<>();
            if (names != null) {
                for (List<?> name : names) {
                    if (name.size() >= 2 && Integer.valueOf(type).equals(name.get(0)) && name.get(1) instanceof String value) {
                        found.add(value);
                    }
                }
            }
            return List.copyOf(found);
        } catch (CertificateParsingException e) {
            return List.of();
        }
    }
}
