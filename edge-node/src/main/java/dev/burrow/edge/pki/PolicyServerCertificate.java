package dev.burrow.edge.pki;

import dev.burrow.policy.TlsTermination;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A server certificate given in an endpoint's policy ({@code terminate-tls} {@code server_certificate} and
 * {@code server_private_key}), read from its PEM text and checked before it is ever served: the key must be the
 * certificate's, and at bind the certificate must be valid and name the endpoint's host name. Not blocking; reading
 * one takes about a millisecond (one signature).
 *
 * @param chain the leaf first
 * @param names the leaf's DNS names in lower case (its CN when it has none), wildcards included
 */
public record PolicyServerCertificate(List<X509Certificate> chain, PrivateKey key, List<String> names) {
    /** How long before its expiry a bound policy certificate is warned about (at bind, and when a handshake crosses it). */
    public static final java.time.Duration EXPIRY_WARNING = java.time.Duration.ofDays(7);
    private static final byte[] PROBE = "burrow: does this key match the certificate".getBytes(StandardCharsets.US_ASCII);

    /** The chain and key, or an IOException with a sentence saying what is wrong with them. */
    public static PolicyServerCertificate read(TlsTermination.ServerCertificate pem) throws IOException {
        List<X509Certificate> chain;
        try {
            chain = DevPki.readCertificates(new StringReader(pem.chainPem()));
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            throw new IOException("server_certificate is not a readable PEM certificate chain (" + e.getMessage() + ")", e);
        }
        if (chain.isEmpty()) {
            throw new IOException("server_certificate holds no PEM certificate");
        }
        PrivateKey key;
        try {
            key = DevPki.readPrivateKey(new StringReader(pem.keyPem()), "server_private_key");
        } catch (IOException | RuntimeException e) {
            throw new IOException("server_private_key is not a readable PEM private key (" + e.getMessage() + ")", e);
        }
        if (!matches(key, chain.get(0).getPublicKey())) {
            throw new IOException("server_private_key is not the key of server_certificate (" + subject(chain.get(0)) + ")");
        }
        return new PolicyServerCertificate(List.copyOf(chain), key, dnsNames(chain.get(0)));
    }

    /** Why this certificate cannot serve {@code hostname} at {@code now}, or null when it can. */
    public String problem(String hostname, Instant now) {
        X509Certificate leaf = chain.get(0);
        if (now.isAfter(leaf.getNotAfter().toInstant())) {
            return "server_certificate (" + subject(leaf) + ") expired on " + leaf.getNotAfter().toInstant();
        }
        if (now.isBefore(leaf.getNotBefore().toInstant())) {
            return "server_certificate (" + subject(leaf) + ") is not valid before " + leaf.getNotBefore().toInstant();
        }
        if (!names(hostname)) {
            return "server_certificate does not name " + hostname + " (it names " + String.join(", ", names)
                    + "); give a certificate for the endpoint's own host name";
        }
        return null;
    }

    /** When the leaf expires (it is valid through this instant). */
    public Instant notAfter() {
        return chain.get(0).getNotAfter().toInstant();
    }

    /** Whether it expires within {@link #EXPIRY_WARNING} of {@code now}. */
    public boolean expiresSoon(Instant now) {
        return now.plus(EXPIRY_WARNING).isAfter(notAfter());
    }

    /**
     * Whether the leaf names {@code hostname}: exactly, or by a wildcard for its parent when that parent has two labels
     * or more ({@code *.example.com} names {@code a.example.com}; clients refuse {@code *.localhost}).
     */
    public boolean names(String hostname) {
        String name = hostname.toLowerCase(Locale.ROOT);
        int dot = name.indexOf('.');
        String wildcard = dot > 0 && name.indexOf('.', dot + 1) > 0 ? "*" + name.substring(dot) : null;
        return names.contains(name) || wildcard != null && names.contains(wildcard);
    }

    public X509Certificate[] chainArray() {
        return chain.toArray(new X509Certificate[0]);
    }

    /** The leaf's DNS subject alternative names in lower case; its CN when it has none. */
    public static List<String> dnsNames(X509Certificate leaf) throws IOException {
        List<String> names = new ArrayList<>();
        try {
            if (leaf.getSubjectAlternativeNames() != null) {
                for (List<?> entry : leaf.getSubjectAlternativeNames()) {
                    if (Integer.valueOf(2).equals(entry.get(0))) {
                        names.add(String.valueOf(entry.get(1)).toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            throw new IOException("unreadable subject alternative names: " + e.getMessage(), e);
        }
        if (names.isEmpty()) {
            String subject = leaf.getSubjectX500Principal().getName();
            for (String part : subject.split(",")) {
                if (part.trim().startsWith("CN=")) {
                    names.add(part.trim().substring(3).toLowerCase(Locale.ROOT));
                }
            }
        }
        return List.copyOf(names);
    }

    /** Signs with the private key and verifies with the certificate's public key: one check that fits every key type. */
    private static boolean matches(PrivateKey key, PublicKey certified) {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> key.getAlgorithm(); // Ed25519, Ed448: the key's own algorithm signs
        };
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(PROBE);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certified);
            verifier.update(PROBE);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static String subject(X509Certificate leaf) {
        return leaf.getSubjectX500Principal().getName();
    }

    @Override
    public String toString() {
        return "PolicyServerCertificate" + names + "[key HIDDEN]";
    }
}
