package dev.burrow.agent.cli;

import dev.burrow.protocol.RevocationLists;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.time.Instant;
import java.util.List;

/**
 * An endpoint's own TLS settings from the command line: the CAs whose client certificates the edge requires of an
 * HTTPS endpoint's visitors ({@code --mutual-tls-cas}, PEM text) and the CRLs of those CAs ({@code --mutual-tls-crls},
 * sent as PEM text), or the certificate and key with which the agent terminates a TLS endpoint itself
 * ({@code --crt}/{@code --key}). Files are read and checked when the command starts.
 */
record EndpointTls(String mutualTlsCas, String mutualTlsCrls, Path crt, Path key) {
    static final EndpointTls NONE = new EndpointTls(null, null, null, null);

    /** {@code --mutual-tls-cas FILE}: its PEM text; null file: none. */
    static EndpointTls mutualTls(Path casFile) {
        return mutualTls(casFile, "--mutual-tls-cas", null, "--mutual-tls-crls");
    }

    /** {@code --mutual-tls-cas FILE --mutual-tls-crls FILE}; null files: none. */
    static EndpointTls mutualTls(Path casFile, Path crlsFile) {
        return mutualTls(casFile, "--mutual-tls-cas", crlsFile, "--mutual-tls-crls");
    }

    /**
     * The CAs file and the CRLs file named by the two settings (flags, or a config file's keys): the CAs' PEM text, and
     * the CRLs (PEM or DER, one or more) checked against them now and sent as PEM text; null files: none.
     */
    static EndpointTls mutualTls(Path casFile, String casSetting, Path crlsFile, String crlsSetting) {
        if (casFile == null) {
            if (crlsFile != null) {
                throw new IllegalArgumentException(crlsSetting + " needs " + casSetting
                        + " (the CRLs are of the CAs whose client certificates are accepted)");
            }
            return NONE;
        }
        String pem = read(casFile, casSetting);
        if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
            throw new IllegalArgumentException(casSetting + " " + casFile + ": no PEM certificate in the file");
        }
        return new EndpointTls(pem, crlsFile == null ? null : revocationLists(crlsFile, crlsSetting, pem), null, null);
    }

    /** The CRLs of {@code crlsFile} as PEM text, refused in a sentence when they cannot be applied with these CAs now. */
    private static String revocationLists(Path crlsFile, String setting, String casPem) {
        byte[] data;
        try {
            data = Files.readAllBytes(crlsFile);
        } catch (IOException e) {
            throw new IllegalArgumentException(setting + " " + crlsFile + ": cannot read it (" + e.getMessage() + ")");
        }
        try {
            List<X509CRL> crls = RevocationLists.read(data);
            String problem = RevocationLists.problem(crls, casPem, Instant.now());
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
            return RevocationLists.pem(crls);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(setting + " " + crlsFile + ": " + e.getMessage(), e);
        }
    }

    /** {@code --crt FILE --key FILE} (both or neither): the agent terminates TLS with them. */
    static EndpointTls termination(Path crt, Path key) {
        return termination(crt, key, "--crt", "--key");
    }

    /** As {@link #termination(Path, Path)}, naming the two settings as the user wrote them. */
    static EndpointTls termination(Path crt, Path key, String crtSetting, String keySetting) {
        if (crt == null && key == null) {
            return NONE;
        }
        if (crt == null || key == null) {
            throw new IllegalArgumentException("give both " + crtSetting + " and " + keySetting
                    + " (the certificate chain and its private key, PEM), or neither");
        }
        if (!read(crt, crtSetting).contains("-----BEGIN CERTIFICATE-----")) {
            throw new IllegalArgumentException(crtSetting + " " + crt + ": no PEM certificate in the file");
        }
        if (!read(key, keySetting).contains("PRIVATE KEY-----")) {
            throw new IllegalArgumentException(keySetting + " " + key + ": no PEM private key in the file");
        }
        return new EndpointTls(null, null, crt, key);
    }

    boolean terminatesAtAgent() {
        return crt != null;
    }

    private static String read(Path file, String flag) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(flag + " " + file + ": cannot read it (" + e.getMessage() + ")");
        }
    }
}
