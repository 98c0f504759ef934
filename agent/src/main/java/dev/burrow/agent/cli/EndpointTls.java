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
        return mutualTls(casFile, "--mutual-tls-cas");
    }

    /** The CAs file named by {@code setting} (a flag, or a config file's key): its PEM text; null file: none. */
    static EndpointTls mutualTls(Path casFile, String setting) {
        if (casFile == null) {
            return NONE;
        }
        String pem = read(casFile, setting);
        if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
            throw new IllegalArgumentException(setting + " " + casFile + ": no PEM certificate in the file");
        }
        return new EndpointTls(pem, null, null);
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
