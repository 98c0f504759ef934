package dev.burrow.edge.config;

import dev.burrow.edge.pki.DevPki;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * The operator's certificate for the agent link ({@code --tls-cert}: a PEM chain, the node's certificate first, then
 * any intermediates) and its private key ({@code --tls-key}: PEM, PKCS#8 or SEC1/PKCS#1). Checked at start so that a
 * wrong file stops the node with one sentence instead of failing every TLS handshake later.
 */
public record TlsFiles(Path cert, Path key) {

    /** Reads both files and checks that they belong together; throws {@link ConfigException} saying what is wrong. */
    public TlsFiles validate() {
        if (cert == null || key == null) {
            throw new ConfigException((cert == null ? "--tls-key" : "--tls-cert") + " is given without "
                    + (cert == null ? "--tls-cert" : "--tls-key") + "; give both, or neither to use the dev certificate");
        }
        Path certFile = cert.toAbsolutePath().normalize();
        Path keyFile = key.toAbsolutePath().normalize();
        readable("--tls-cert", certFile);
        readable("--tls-key", keyFile);
        List<X509Certificate> chain;
        try {
            chain = DevPki.readCertificates(certFile);
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException("--tls-cert " + certFile + " is not a PEM certificate chain: " + e.getMessage());
        }
        if (chain.isEmpty()) {
            throw new ConfigException("--tls-cert " + certFile + " contains no PEM certificate");
        }
        PrivateKey privateKey;
        try {
            privateKey = DevPki.readPrivateKey(keyFile);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("--tls-key " + keyFile + " is not a PEM private key: " + e.getMessage());
        }
        X509Certificate leaf = chain.get(0);
        if (!matches(privateKey, leaf)) {
            throw new ConfigException("--tls-key " + keyFile + " does not match the certificate in --tls-cert " + certFile
                    + " (" + leaf.getSubjectX500Principal().getName() + "); give the key the certificate was issued for");
        }
        Instant now = Instant.now();
        if (leaf.getNotAfter().toInstant().isBefore(now)) {
            throw new ConfigException("the certificate in --tls-cert " + certFile + " expired on " + leaf.getNotAfter().toInstant()
                    + "; renew it");
        }
        if (leaf.getNotBefore().toInstant().isAfter(now)) {
            throw new ConfigException("the certificate in --tls-cert " + certFile + " is not valid before "
                    + leaf.getNotBefore().toInstant() + "; check the clock or the certificate");
        }
        return new TlsFiles(certFile, keyFile);
    }

    private static void readable(String flag, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(flag + " " + file + " does not exist or is not a file");
        }
        if (!Files.isReadable(file)) {
            throw new ConfigException(flag + " " + file + " is not readable by this user; fix its permissions");
        }
    }

    /** Whether {@code key} is the private half of the certificate's public key: sign with one, verify with the other. */
    private static boolean matches(PrivateKey key, X509Certificate cert) {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            case "Ed448" -> "Ed448";
            default -> null;
        };
        if (algorithm == null || !key.getAlgorithm().equals(cert.getPublicKey().getAlgorithm())
                && !(key.getAlgorithm().startsWith("Ed") && cert.getPublicKey().getAlgorithm().startsWith("Ed"))) {
            return false;
        }
        try {
            byte[] probe = "burrow tls key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(cert.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "TlsFiles[cert=" + cert + ", key=" + key + "]";
    }
}
