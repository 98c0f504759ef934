package dev.burrow.edge.config;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The public HTTPS listener ({@code --https-port}) and the operator's certificates for it ({@code --https-certs}: a
 * directory of {@code NAME.crt} PEM chains, each with its {@code NAME.key}; the names they serve come from each
 * certificate's subject alternative names, wildcards included). Certificates are chosen per SNI; see docs/https.md.
 *
 * @param port    public HTTPS port; 0 picks a free one
 * @param certDir the operator's certificate directory, re-read when its files change; null for none
 * @param acme    automatic certificates ({@code --acme-directory}); never null
 */
public record HttpsSettings(int port, Path certDir, AcmeSettings acme) {
    public HttpsSettings {
        acme = acme == null ? AcmeSettings.off() : acme;
    }

    public HttpsSettings(int port, Path certDir) {
        this(port, certDir, AcmeSettings.off());
    }

    /** The port of {@code java -jar burrow-edge.jar} with no arguments, beside HTTP's 8080; 443 in production. */
    public static final int DEFAULT_PORT = 8443;

    public static HttpsSettings defaults() {
        return new HttpsSettings(DEFAULT_PORT, null);
    }

    /** Checks the values; throws {@link ConfigException} with a sentence naming the flag. */
    public HttpsSettings validate() {
        if (port < 0 || port > 65_535) {
            throw new ConfigException("--https-port " + port + " is not a port; use 1-65535, or 0 to pick a free port");
        }
        AcmeSettings validAcme = acme.validate();
        if (certDir == null) {
            return new HttpsSettings(port, null, validAcme);
        }
        Path dir = certDir.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new ConfigException("--https-certs " + dir + " is not a directory; give a directory of NAME.crt and NAME.key files");
        }
        return new HttpsSettings(port, dir, validAcme);
    }

    public HttpsSettings withPort(int newPort) {
        return new HttpsSettings(newPort, certDir, acme);
    }
}
