package dev.burrow.testsupport.tools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Client certificate authorities and the client certificates they issue, made by the openssl command line in one
 * directory: {@code NAME.crt} and {@code NAME.key} for each (EC P-256, valid two days; an expired one for a day in
 * 2020), and CRLs of a CA ({@code openssl ca -revoke}, then {@code openssl ca -gencrl} with the dates given). For mutual
 * TLS tests, where a real tool's certificates are the point.
 */
public final class ClientCertificatePki {
    /** The date form {@code openssl ca -startdate/-enddate/-crl_lastupdate/-crl_nextupdate} takes. */
    private static final DateTimeFormatter OPENSSL_DATE = DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Path dir;

    public ClientCertificatePki(Path dir) {
        this.dir = dir;
    }

    /** A self-signed CA named {@code name}. */
    public ClientCertificatePki ca(String name) {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                "-subj", "/CN=Burrow e2e " + name + " client CA", "-keyout", file(name + ".key"), "-out", file(name + ".crt"));
        return this;
    }

    /** A client certificate with common name {@code name}, issued by the CA {@code ca}. */
    public ClientCertificatePki client(String name, String ca) {
        csr(name);
        openssl("x509", "-req", "-in", file(name + ".csr"), "-CA", file(ca + ".crt"), "-CAkey", file(ca + ".key"),
                "-CAcreateserial", "-days", "2", "-out", file(name + ".crt"));
        return this;
    }

    /** A client certificate valid for one day in 2020: {@code openssl ca} is the 3.0 command line that takes dates. */
    public ClientCertificatePki expiredClient(String name, String ca) {
        return dated(name, ca, Instant.parse("2020-01-01T00:00:00Z"), Instant.parse("2020-01-02T00:00:00Z"));
    }

    /**
     * A certificate with common name {@code name} (no subject alternative names), issued by the CA {@code ca}, valid
     * from {@code notBefore} through {@code notAfter} to the second: {@code openssl ca} takes dates, where
     * {@code x509 -days} counts whole days.
     */
    public ClientCertificatePki dated(String name, String ca, Instant notBefore, Instant notAfter) {
        csr(name);
        try {
            Files.writeString(dir.resolve("index.txt"), "");
            Files.writeString(dir.resolve("serial"), "1000\n");
            Files.writeString(dir.resolve("ca.cnf"), """
                    [ca]
                    default_ca = dated
                    [dated]
                    database = %s
                    serial = %s
                    new_certs_dir = %s
                    default_md = sha256
                    policy = any
                    [any]
                    commonName = supplied
                    """.formatted(file("index.txt"), file("serial"), dir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        openssl("ca", "-batch", "-config", file("ca.cnf"), "-cert", file(ca + ".crt"), "-keyfile", file(ca + ".key"),
                "-startdate", OPENSSL_DATE.format(notBefore), "-enddate", OPENSSL_DATE.format(notAfter), "-notext",
                "-in", file(name + ".csr"), "-out", file(name + ".crt"));
        return this;
    }

    /** Marks the client {@code name} revoked in the CA {@code ca}'s database: the CRLs of {@code ca} made after list it. */
    public ClientCertificatePki revoke(String name, String ca) {
        openssl("ca", "-config", crlConfig(ca), "-cert", file(ca + ".crt"), "-keyfile", file(ca + ".key"),
                "-revoke", file(name + ".crt"), "-crl_reason", "keyCompromise");
        return this;
    }

    /** A CRL of the CA {@code ca} ({@code name}, PEM) listing what it revoked, with these lastUpdate and nextUpdate. */
    public ClientCertificatePki crl(String name, String ca, Instant lastUpdate, Instant nextUpdate) {
        openssl("ca", "-config", crlConfig(ca), "-cert", file(ca + ".crt"), "-keyfile", file(ca + ".key"), "-gencrl",
                "-crl_lastupdate", OPENSSL_DATE.format(lastUpdate), "-crl_nextupdate", OPENSSL_DATE.format(nextUpdate),
                "-out", file(name));
        return this;
    }

    /** The CRL {@code pem} written again as DER in {@code der} ({@code openssl crl -outform DER}). */
    public ClientCertificatePki der(String pem, String der) {
        openssl("crl", "-in", file(pem), "-outform", "DER", "-out", file(der));
        return this;
    }

    /** The minimal {@code openssl ca} configuration of {@code ca}'s CRLs: its own database of revocations. */
    private String crlConfig(String ca) {
        Path config = dir.resolve(ca + "-crl.cnf");
        try {
            if (!Files.exists(config)) {
                Files.writeString(dir.resolve(ca + "-crl-index.txt"), "");
                Files.writeString(dir.resolve(ca + "-crlnumber"), "01\n");
                Files.writeString(config, """
                        [ca]
                        default_ca = crls
                        [crls]
                        database = %s
                        crlnumber = %s
                        default_md = sha256
                        """.formatted(file(ca + "-crl-index.txt"), file(ca + "-crlnumber")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return config.toString();
    }

    /** The path of a file of the directory ({@code alice.crt}), as text for a command line. */
    public String file(String name) {
        return dir.resolve(name).toString();
    }

    public Path dir() {
        return dir;
    }

    private void csr(String name) {
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=" + name,
                "-keyout", file(name + ".key"), "-out", file(name + ".csr"));
    }

    private static void openssl(String... args) {
        List<String> command = new ArrayList<>(List.of(Tools.require("openssl").toString()));
        command.addAll(List.of(args));
        ClientRun run = ClientRun.run(command, Duration.ofSeconds(20));
        if (run.exitCode() != 0) {
            throw new AssertionError("openssl failed: " + run.describe());
        }
    }
}
