package dev.burrow.agent.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An endpoint's own TLS settings from the command line: the CAs whose client certificates the edge requires of an
 * HTTPS endpoint's visitors ({@code --mutual-tls-cas}, PEM text), or the certificate and key with which the agent
 * terminates a TLS endpoint itself ({@code --crt}/{@code --key}). Files are read and checked when the command starts.
 */
record EndpointTls(String mutualTlsCas, Path crt, Path key) {
    static final EndpointTls NONE = new EndpointTls(null, null, null);

    /** {@code --mutual-tls-cas FILE}: its PEM text; null file: none. */
    static EndpointTls mutualTls(Path casFile) {
        if (casFile == null) {
            return NONE;
        }
        String pem = read(casFile, "--mutual-tls-cas");
        if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
            throw new IllegalArgumentException("--mutual-tls-cas " + casFile + ": no PEM certificate in the file");
        }
        return new EndpointTls(pem, null, null);
    }

    /** {@code --crt FILE --key FILE} (both or neither): the agent terminates TLS with them. */
    static EndpointTls termination(Path crt, Path key) {
        if (crt == null && key == null) {
            return NONE;
        }
        if (crt == null || key == null) {
            throw new IllegalArgumentException("give both --crt and --key (the certificate chain and its private key, PEM), or neither");
        }
        if (!read(crt, "--crt").contains("-----BEGIN CERTIFICATE-----")) {
            throw new IllegalArgumentException("--crt " + crt + ": no PEM certificate in the file");
        }
        if (!read(key, "--key").contains("PRIVATE KEY-----")) {
            throw new IllegalArgumentException("--key " + key + ": no PEM private key in the file");
        }
        return new EndpointTls(null, crt, key);
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
