package dev.burrow.testsupport;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;

/**
 * Certificates for trust tests: a CA that signed nothing the edge serves, and an operator's PKI (a CA and a server
 * certificate it issued) for {@code --tls-cert}/{@code --tls-key}.
 */
public final class TestCertificates {

    private TestCertificates() {
    }

    /** Files of {@link #writeOperatorPki}: the CA agents trust, the server chain (leaf, then CA) and its key. */
    public record OperatorPki(Path caCert, Path chain, Path key) {
    }

    /**
     * Writes an operator's PKI into {@code dir}: {@code operator-ca.pem}, {@code server-chain.pem} (a server
     * certificate for {@code names} — DNS names or IP literals — issued by that CA, followed by the CA) and
     * {@code server-key.pem} (PKCS#8). All EC P-256, valid for 30 days.
     */
    public static OperatorPki writeOperatorPki(Path dir, java.util.List<String> names) {
        try {
            Files.createDirectories(dir);
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(256);
            KeyPair caPair = gen.generateKeyPair();
            KeyPair serverPair = gen.generateKeyPair();
            X500Name caName = new X500Name("CN=Burrow e2e operator CA");
            Instant now = Instant.now();
            Date from = Date.from(now.minus(1, ChronoUnit.DAYS));
            Date to = Date.from(now.plus(30, ChronoUnit.DAYS));
            X509v3CertificateBuilder ca = new JcaX509v3CertificateBuilder(caName, BigInteger.valueOf(now.toEpochMilli()),
                    from, to, caName, caPair.getPublic());
            ca.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            ca.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            ContentSigner caSigner = new JcaContentSignerBuilder("SHA256withECDSA").build(caPair.getPrivate());
            X509Certificate caCert = new JcaX509CertificateConverter().getCertificate(ca.build(caSigner));

            X509v3CertificateBuilder server = new JcaX509v3CertificateBuilder(caName, BigInteger.valueOf(now.toEpochMilli() + 1),
                    from, to, new X500Name("CN=burrow edge (operator)"), serverPair.getPublic());
            org.bouncycastle.asn1.x509.GeneralName[] sans = names.stream().map(n -> n.matches("[0-9.]+") || n.contains(":")
                    ? new org.bouncycastle.asn1.x509.GeneralName(org.bouncycastle.asn1.x509.GeneralName.iPAddress, n)
                    : new org.bouncycastle.asn1.x509.GeneralName(org.bouncycastle.asn1.x509.GeneralName.dNSName, n))
                    .toArray(org.bouncycastle.asn1.x509.GeneralName[]::new);
            server.addExtension(Extension.subjectAlternativeName, false, new org.bouncycastle.asn1.x509.GeneralNames(sans));
            server.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            server.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            server.addExtension(Extension.extendedKeyUsage, false,
                    new org.bouncycastle.asn1.x509.ExtendedKeyUsage(org.bouncycastle.asn1.x509.KeyPurposeId.id_kp_serverAuth));
            X509Certificate serverCert = new JcaX509CertificateConverter().getCertificate(server.build(caSigner));

            Path caFile = Files.writeString(dir.resolve("operator-ca.pem"), pem("CERTIFICATE", caCert.getEncoded()));
            Path chainFile = Files.writeString(dir.resolve("server-chain.pem"),
                    pem("CERTIFICATE", serverCert.getEncoded()) + pem("CERTIFICATE", caCert.getEncoded()));
            Path keyFile = Files.writeString(dir.resolve("server-key.pem"), pem("PRIVATE KEY", serverPair.getPrivate().getEncoded()));
            return new OperatorPki(caFile, chainFile, keyFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException("could not make the operator PKI", e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** Writes a fresh self-signed EC CA certificate (PEM) to {@code file} and returns the file. */
    public static Path writeUnrelatedCa(Path file) {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(256);
            KeyPair kp = gen.generateKeyPair();
            X500Name name = new X500Name("CN=Burrow e2e unrelated CA");
            Instant now = Instant.now();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                    Date.from(now.minus(1, ChronoUnit.DAYS)), Date.from(now.plus(30, ChronoUnit.DAYS)), name, kp.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate());
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(builder.build(signer));
            String pem = "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(cert.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
            Files.writeString(file, pem, StandardCharsets.US_ASCII);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException("could not make a test CA", e);
        }
    }
}
