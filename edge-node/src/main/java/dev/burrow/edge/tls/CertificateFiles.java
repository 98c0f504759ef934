package dev.burrow.edge.tls;

import dev.burrow.digest.Sha256;
import dev.burrow.edge.pki.DevPki;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads certificate chains and keys from PEM files. Blocking: call off the event loop.
 * An operator's directory holds {@code NAME.crt} (chain, leaf first) beside {@code NAME.key}; a {@code .crt} without
 * its key is an error of that file only.
 */
public final class CertificateFiles {
    public static final String CERT_SUFFIX = ".crt";
    public static final String KEY_SUFFIX = ".key";

    private CertificateFiles() {
    }

    /** The chain of {@code certFile} with the key of {@code keyFile}. */
    public static CertifiedKey read(Path certFile, Path keyFile) throws IOException {
        List<X509Certificate> chain;
        try {
            chain = DevPki.readCertificates(certFile);
        } catch (GeneralSecurityException e) {
            throw new IOException(certFile + " is not a PEM certificate chain: " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new IOException(certFile + " holds no PEM certificate");
        }
        if (!Files.isRegularFile(keyFile)) {
            throw new IOException(certFile + " has no key file " + keyFile.getFileName());
        }
        PrivateKey key = DevPki.readPrivateKey(keyFile);
        return certified(key, chain.toArray(new X509Certificate[0]), certFile.toString());
    }

    /** A chain (leaf first) and its key, named for {@code source} in logs. */
    public static CertifiedKey certified(PrivateKey key, X509Certificate[] chain, String source) throws IOException {
        return new CertifiedKey(alias(chain, key), key, chain, dnsNames(chain[0]), source);
    }

    /** The certificate files of an operator's directory, by file name; each needs its {@code .key} beside it. */
    public static List<Path> certificatesIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(CERT_SUFFIX) && Files.isRegularFile(f)).sorted().toList();
        }
    }

    /** {@code NAME.key} for {@code NAME.crt}. */
    public static Path keyOf(Path certFile) {
        String name = certFile.getFileName().toString();
        return certFile.resolveSibling(name.substring(0, name.length() - CERT_SUFFIX.length()) + KEY_SUFFIX);
    }

    /** The leaf's DNS subject alternative names in lower case; its CN when it has none. */
    static List<String> dnsNames(X509Certificate leaf) throws IOException {
        return dev.burrow.edge.pki.PolicyServerCertificate.dnsNames(leaf);
    }

    /**
     * A digest of the whole chain and the key: the TLS engine caches key material by alias ({@link KeyMaterialCache}), so
     * any change of content (a renewed leaf, an intermediate added to the file, a key file replaced) is a new alias, and
     * the same content read again is the same one.
     */
    private static String alias(X509Certificate[] chain, PrivateKey key) throws IOException {
        try {
            java.io.ByteArrayOutputStream content = new java.io.ByteArrayOutputStream();
            for (X509Certificate certificate : chain) {
                content.writeBytes(certificate.getEncoded());
            }
            content.writeBytes(key.getEncoded() == null ? new byte[0] : key.getEncoded());
            return "cert-" + Sha256.hex(content.toByteArray()).substring(0, 32);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot fingerprint the certificate: " + e.getMessage(), e);
        }
    }
}
