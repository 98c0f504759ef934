package dev.burrow.edge.pki;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;

/**
 * The dev PKI of a data directory: a CA ({@code ca.pem}, {@code ca-key.pem}) and a server certificate it signed
 * ({@code server.pem}, {@code server-key.pem}), EC P-256. Created on first start and reused; the server certificate
 * is re-issued when it expires soon or does not name the configured domain. Blocking: call off the event loop.
 *
 * @param caCert     the CA certificate agents are told to trust
 * @param serverCert the certificate of the agent link listener
 * @param serverKey  its private key (PKCS#8 PEM)
 */
public record DevPki(Path caCert, Path serverCert, Path serverKey) {
    public static final String CA_CERT = "ca.pem";
    public static final String CA_KEY = "ca-key.pem";
    public static final String SERVER_CERT = "server.pem";
    public static final String SERVER_KEY = "server-key.pem";
    private static final Duration CA_VALIDITY = Duration.ofDays(3650);
    private static final Duration SERVER_VALIDITY = Duration.ofDays(825);
    private static final Duration RENEW_BEFORE = Duration.ofDays(7);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Loads or creates the CA and the server certificate for {@code domain} under {@code dataDir}. */
    public static DevPki ensure(Path dataDir, String domain) throws IOException {
        return ensure(dataDir, domain, List.of());
    }

    /**
     * Loads or creates the CA and the server certificate for {@code domain} and the node's own addresses
     * ({@code extraNames}: its advertise address, which agents told about this node dial) under {@code dataDir}.
     */
    public static DevPki ensure(Path dataDir, String domain, List<String> extraNames) throws IOException {
        Path dir = dataDir.toAbsolutePath();
        Files.createDirectories(dir);
        try {
            Path caCertFile = dir.resolve(CA_CERT);
            Path caKeyFile = dir.resolve(CA_KEY);
            X509Certificate caCert;
            PrivateKey caKey;
            if (Files.isRegularFile(caCertFile) && Files.isRegularFile(caKeyFile)) {
                caCert = readCertificate(caCertFile);
                caKey = readPrivateKey(caKeyFile);
            } else {
                KeyPair pair = newKeyPair();
                caCert = issueCa(pair);
                caKey = pair.getPrivate();
                SecureFiles.writeSecret(caKeyFile, pem(new JcaPKCS8Generator(caKey, null)));
                SecureFiles.writePublic(caCertFile, pem(new JcaMiscPEMGenerator(caCert)));
            }
            Path serverCertFile = dir.resolve(SERVER_CERT);
            Path serverKeyFile = dir.resolve(SERVER_KEY);
            if (!serverCertUsable(serverCertFile, serverKeyFile, caCert, domain, extraNames)) {
                KeyPair pair = newKeyPair();
                X509Certificate cert = issueServer(pair, caCert, caKey, domain, subjectAltNames(domain, extraNames));
                SecureFiles.writeSecret(serverKeyFile, pem(new JcaPKCS8Generator(pair.getPrivate(), null)));
                SecureFiles.writePublic(serverCertFile, pem(new JcaMiscPEMGenerator(cert)));
            }
            return new DevPki(caCertFile, serverCertFile, serverKeyFile);
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IOException("cannot create the dev certificates in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The DNS names and IP addresses the server certificate carries for {@code domain}. */
    public static List<String> subjectAltNames(String domain) {
        return subjectAltNames(domain, List.of());
    }

    /** The names for {@code domain} plus the node's own addresses, without repetitions. */
    public static List<String> subjectAltNames(String domain, List<String> extraNames) {
        List<String> names = new ArrayList<>(List.of("localhost", "*.localhost", "127.0.0.1", "::1"));
        if (!domain.equals("localhost")) {
            names.add(domain);
            names.add("*." + domain);
        }
        for (String extra : extraNames) {
            if (extra != null && !extra.isBlank() && !names.contains(extra) && !extra.equals("0.0.0.0") && !extra.equals("::")) {
                names.add(extra);
            }
        }
        return names;
    }

    private static boolean serverCertUsable(Path certFile, Path keyFile, X509Certificate caCert, String domain,
                                            List<String> extraNames) {
        if (!Files.isRegularFile(certFile) || !Files.isRegularFile(keyFile)) {
            return false;
        }
        try {
            X509Certificate cert = readCertificate(certFile);
            readPrivateKey(keyFile);
            cert.verify(caCert.getPublicKey());
            if (cert.getNotAfter().toInstant().isBefore(Instant.now().plus(RENEW_BEFORE))) {
                return false;
            }
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            List<String> present = new ArrayList<>();
            if (sans != null) {
                sans.forEach(entry -> present.add(String.valueOf(entry.get(1))));
            }
            return present.stream().map(DevPki::canonicalSan).toList()
                    .containsAll(subjectAltNames(domain, extraNames).stream().map(DevPki::canonicalSan).toList());
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }

    private static X509Certificate issueCa(KeyPair pair) throws GeneralSecurityException,
            org.bouncycastle.operator.OperatorCreationException, IOException {
        X500Name name = new X500Name("CN=Burrow dev CA " + Long.toHexString(RANDOM.nextLong() & Long.MAX_VALUE) + ",O=Burrow");
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(CA_VALIDITY)), name, pair.getPublic());
        JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(pair.getPublic()));
        return sign(builder.build(signer(pair.getPrivate())));
    }

    private static X509Certificate issueServer(KeyPair pair, X509Certificate caCert, PrivateKey caKey, String domain,
                                               List<String> subjectAltNames)
            throws GeneralSecurityException, org.bouncycastle.operator.OperatorCreationException, IOException {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(caCert, serial(),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(SERVER_VALIDITY)),
                new X500Name("CN=" + domain + ",O=Burrow edge"), pair.getPublic());
        List<GeneralName> names = new ArrayList<>();
        for (String san : subjectAltNames) {
            boolean ip = isIpLiteral(san);
            names.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, san));
        }
        JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(new GeneralName[0])));
        builder.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(caCert));
        builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(pair.getPublic()));
        return sign(builder.build(signer(caKey)));
    }

    /** A leaf certificate and its key, signed by a CA. */
    public record Issued(X509Certificate certificate, PrivateKey key) {
    }

    /**
     * Issues a server certificate for {@code names} (DNS names or IP literals) signed by {@code caCert}/{@code caKey},
     * with a fresh EC P-256 key; valid from an hour ago for the dev validity. Takes a few milliseconds of CPU.
     */
    public static Issued issue(X509Certificate caCert, PrivateKey caKey, List<String> names) throws IOException {
        return issue(caCert, caKey, names, newLeafKeyPair());
    }

    /**
     * As {@link #issue(X509Certificate, PrivateKey, List)}, for the key pair {@code leaf}: a caller that issues many
     * certificates may give them one key (generating it is a third of the cost of issuing).
     */
    public static Issued issue(X509Certificate caCert, PrivateKey caKey, List<String> names, KeyPair leaf) throws IOException {
        try {
            return new Issued(issueServer(leaf, caCert, caKey, names.get(0), names), leaf.getPrivate());
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IOException("cannot issue a certificate for " + names + ": " + e.getMessage(), e);
        }
    }

    /** A fresh EC P-256 key pair for leaf certificates. */
    public static KeyPair newLeafKeyPair() throws IOException {
        try {
            return newKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot generate an EC P-256 key pair: " + e.getMessage(), e);
        }
    }

    private static ContentSigner signer(PrivateKey key) throws org.bouncycastle.operator.OperatorCreationException {
        return new JcaContentSignerBuilder("SHA256withECDSA").build(key);
    }

    private static X509Certificate sign(X509CertificateHolder holder) throws GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(holder);
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    /** The PEM text of a certificate. */
    public static String certificatePem(X509Certificate certificate) throws IOException {
        return pem(new JcaMiscPEMGenerator(certificate));
    }

    /** The PEM text (PKCS#8, unencrypted) of a private key. */
    public static String privateKeyPem(PrivateKey key) throws IOException {
        return pem(new JcaPKCS8Generator(key, null));
    }

    private static String pem(org.bouncycastle.util.io.pem.PemObjectGenerator generator) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(generator);
        }
        return out.toString();
    }

    /** Reads the first certificate of a PEM file. */
    public static X509Certificate readCertificate(Path file) throws IOException, GeneralSecurityException {
        try (Reader reader = Files.newBufferedReader(file); PEMParser parser = new PEMParser(reader)) {
            Object object = parser.readObject();
            if (!(object instanceof X509CertificateHolder holder)) {
                throw new IOException(file + " does not contain a PEM certificate");
            }
            return new JcaX509CertificateConverter().getCertificate(holder);
        }
    }

    /** Reads every certificate of a PEM file, in order (a chain: the leaf first). */
    public static List<X509Certificate> readCertificates(Path file) throws IOException, GeneralSecurityException {
        try (Reader reader = Files.newBufferedReader(file)) {
            return readCertificates(reader);
        }
    }

    /** Reads every certificate of PEM text, in order (a chain: the leaf first). */
    public static List<X509Certificate> readCertificates(Reader pem) throws IOException, GeneralSecurityException {
        List<X509Certificate> chain = new ArrayList<>();
        try (PEMParser parser = new PEMParser(pem)) {
            Object object;
            while ((object = parser.readObject()) != null) {
                if (!(object instanceof X509CertificateHolder holder)) {
                    throw new IOException("it holds a " + object.getClass().getSimpleName() + " where a certificate was expected");
                }
                chain.add(new JcaX509CertificateConverter().getCertificate(holder));
            }
        }
        return chain;
    }

    /** Reads a PKCS#8 or SEC1 PEM private key. */
    public static PrivateKey readPrivateKey(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file)) {
            return readPrivateKey(reader, file.toString());
        }
    }

    /** Reads a PKCS#8 or SEC1 PEM private key from PEM text; {@code source} names it in errors. */
    public static PrivateKey readPrivateKey(Reader pem, String source) throws IOException {
        try (PEMParser parser = new PEMParser(pem)) {
            Object object = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (object instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (object instanceof PEMKeyPair keyPair) {
                return converter.getKeyPair(keyPair).getPrivate();
            }
            if (object instanceof org.bouncycastle.openssl.PEMEncryptedKeyPair
                    || object instanceof org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo) {
                throw new IOException(source + " holds an encrypted private key; give it unencrypted (readable only by the node's user)");
            }
            throw new IOException(source + " does not contain a PEM private key");
        }
    }

    private static boolean isIpLiteral(String name) {
        return name.contains(":") || name.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    /** IP literals in one spelling (the certificate API writes ::1 as 0:0:0:0:0:0:0:1), names in lower case. */
    private static String canonicalSan(String name) {
        if (isIpLiteral(name)) {
            try {
                return java.net.InetAddress.getByName(name).getHostAddress();
            } catch (java.net.UnknownHostException e) {
                return name;
            }
        }
        return name.toLowerCase(java.util.Locale.ROOT);
    }
}
