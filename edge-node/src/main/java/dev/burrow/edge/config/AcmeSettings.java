package dev.burrow.edge.config;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Automatic certificates from an ACME CA for the public HTTPS listener ({@code --acme-directory} and friends); off
 * when no directory is given. See docs/https.md.
 *
 * @param directory    the CA's ACME directory URL (https), or null: ACME off
 * @param email        contact address given to the CA when the account is created, or null
 * @param eabKid       external account binding key id, for CAs that need one (with {@code eabHmacKey}), or null
 * @param eabHmacKey   external account binding MAC key, base64url as the CA shows it, or null
 * @param directoryCa  PEM file of the CA that signed the ACME server's own HTTPS certificate (a private ACME server),
 *                     or null: the JVM's trusted CAs
 * @param maxPerTenant certificates one tenant's names may hold; a further name is refused and logged
 * @param challenge    how the CA validates a name: {@link #HTTP_01} on the plain HTTP port (port 80 for a public CA)
 *                     or {@link #TLS_ALPN_01} on the HTTPS port (443)
 */
public record AcmeSettings(URI directory, String email, String eabKid, String eabHmacKey, Path directoryCa,
                           int maxPerTenant, String challenge) {
    public static final int DEFAULT_MAX_PER_TENANT = 100;
    public static final String HTTP_01 = "http-01";
    public static final String TLS_ALPN_01 = "tls-alpn-01";

    public AcmeSettings {
        challenge = challenge == null ? HTTP_01 : challenge;
    }

    public static AcmeSettings off() {
        return new AcmeSettings(null, null, null, null, null, DEFAULT_MAX_PER_TENANT, HTTP_01);
    }

    public boolean enabled() {
        return directory != null;
    }

    /** Checks the values; throws {@link ConfigException} with a sentence naming the flag. */
    public AcmeSettings validate() {
        if (directory == null) {
            return this;
        }
        if (!"https".equalsIgnoreCase(directory.getScheme()) || directory.getHost() == null) {
            throw new ConfigException("--acme-directory " + directory + " is not an https URL; give the CA's ACME directory, "
                    + "e.g. https://acme-v02.api.letsencrypt.org/directory");
        }
        if ((eabKid == null) != (eabHmacKey == null)) {
            throw new ConfigException("--acme-eab-kid and --acme-eab-hmac-key go together; give both or neither");
        }
        if (directoryCa != null && !Files.isReadable(directoryCa)) {
            throw new ConfigException("--acme-directory-ca " + directoryCa.toAbsolutePath() + " is not a readable PEM file");
        }
        if (!challenge.equals(HTTP_01) && !challenge.equals(TLS_ALPN_01)) {
            throw new ConfigException("--acme-challenge " + challenge + " is not one of " + HTTP_01 + ", " + TLS_ALPN_01);
        }
        if (maxPerTenant < 1) {
            throw new ConfigException("--acme-max-per-tenant " + maxPerTenant + " must be at least 1");
        }
        return this;
    }

    @Override
    public String toString() {
        return "AcmeSettings[directory=" + directory + ", email=" + email + ", eabKid=" + eabKid + ", eabHmacKey="
                + (eabHmacKey == null ? null : "HIDDEN") + ", directoryCa=" + directoryCa + ", maxPerTenant=" + maxPerTenant
                + ", challenge=" + challenge + "]";
    }
}
