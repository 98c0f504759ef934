package dev.burrow.protocol;

import java.io.Serializable;
import java.util.Locale;

/**
 * What the edge asks of an HTTPS endpoint's visitors in the TLS handshake (mutual TLS): a client certificate, and how
 * it is checked. Comes from the bind ({@code --mutual-tls-cas}: {@link Verification#REQUIRE_AND_VERIFY}) or from the
 * endpoint's traffic policy ({@code terminate-tls}).
 *
 * @param certificateAuthorities PEM certificates of the CAs a client certificate must chain to; null only under
 *                               {@link Verification#REQUIRE_ANY}, which checks none
 * @param verification           ngrok's {@code mutual_tls_verification_strategy}
 * @param revocationLists        PEM text of CRLs of those CAs ({@link RevocationLists}): a certificate listed in its
 *                               issuer's CRL is refused in the handshake; null: no revocation check
 */
public record ClientCertificates(String certificateAuthorities, Verification verification, String revocationLists)
        implements Serializable {

    public ClientCertificates {
        revocationLists = revocationLists == null || revocationLists.isBlank() ? null : revocationLists;
    }

    /** Without CRLs. */
    public ClientCertificates(String certificateAuthorities, Verification verification) {
        this(certificateAuthorities, verification, null);
    }

    /** ngrok's verification strategies, by the names its policies use. */
    public enum Verification {
        /** A certificate is required and must chain to the CAs (the default). */
        REQUIRE_AND_VERIFY("require-and-verify"),
        /** A certificate is asked for; a handshake without one passes, and one that is given must chain to the CAs. */
        REQUEST("request"),
        /** A certificate is required; any will do (the client proves it holds its key, no CA is checked). */
        REQUIRE_ANY("require-any");

        private final String key;

        Verification(String key) {
            this.key = key;
        }

        public String key() {
            return key;
        }

        /** The strategy named {@code key}, or null when there is none by that name. */
        public static Verification byKey(String key) {
            for (Verification v : values()) {
                if (v.key.equals(key.toLowerCase(Locale.ROOT))) {
                    return v;
                }
            }
            return null;
        }
    }

    /** Whether a handshake without a client certificate fails. */
    public boolean required() {
        return verification != Verification.REQUEST;
    }
}
