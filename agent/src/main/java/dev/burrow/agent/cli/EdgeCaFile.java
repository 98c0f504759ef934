package dev.burrow.agent.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;

/**
 * The {@code --edge-ca} file, read once at start: a file that is missing or holds no PEM certificate is the user's
 * mistake, reported at once (exit 2), rather than a TLS failure the agent would retry against the edge forever.
 */
final class EdgeCaFile {
    private EdgeCaFile() {
    }

    static Path check(Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException("--edge-ca " + file + " is not a readable file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
                throw new IllegalArgumentException(notPem(file, "it holds no certificate"));
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(notPem(file, e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage().lines().findFirst().orElse("")));
        }
        return file;
    }

    private static String notPem(Path file, String why) {
        return "--edge-ca " + file + " is not a PEM certificate file (" + why + "); pass the edge's CA certificate, "
                + "the ca.pem a dev edge prints at startup";
    }
}
