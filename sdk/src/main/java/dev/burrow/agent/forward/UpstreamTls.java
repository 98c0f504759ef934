package dev.burrow.agent.forward;

import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.PemTrustOptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How the agent checks an https:// upstream's certificate: by default against the JVM's trusted CAs and the upstream's
 * host name; {@code caFile} (PEM, one or more CA certificates) replaces the JVM's CAs for a private CA or a
 * self-signed certificate; {@code verify} false accepts any certificate (the connection is still encrypted, but not
 * authenticated: for a local development server only).
 */
public record UpstreamTls(boolean verify, Path caFile) {

    public static UpstreamTls defaults() {
        return new UpstreamTls(true, null);
    }

    /** Checks the CA file; throws IllegalArgumentException with a sentence naming the flag. */
    public UpstreamTls validate() {
        if (caFile != null && !Files.isReadable(caFile)) {
            throw new IllegalArgumentException("--upstream-tls-verify-cas " + caFile + " is not a readable file");
        }
        if (caFile != null && !verify) {
            throw new IllegalArgumentException("--upstream-tls-verify-cas has no effect with --upstream-tls-verify=false; give one of them");
        }
        return this;
    }

    /** Sets these checks on a client's options (only TLS connections use them). */
    HttpClientOptions applyTo(HttpClientOptions options) {
        if (!verify) {
            return options.setTrustAll(true).setVerifyHost(false);
        }
        if (caFile != null) {
            options.setTrustOptions(new PemTrustOptions().addCertPath(caFile.toAbsolutePath().toString()));
        }
        return options;
    }
}
