package dev.burrow.edge.tenancy;

import dev.burrow.digest.Sha256;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A freshly issued authtoken secret: 256 random bits, base64url, prefixed {@code bt_}. It exists only until it has
 * been shown once; the store keeps {@link #sha256Hex}. Prints as HIDDEN.
 */
public final class Authtoken {
    private static final SecureRandom RANDOM = new SecureRandom();
    static final int RANDOM_BYTES = 32;
    private final String secret;

    private Authtoken(String secret) {
        this.secret = secret;
    }

    public static Authtoken generate() {
        byte[] bytes = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(bytes);
        return new Authtoken("bt_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }

    /** The secret, to show once to whoever created it. */
    public String reveal() {
        return secret;
    }

    public String hash() {
        return sha256Hex(secret);
    }

    /** SHA-256 of a token's UTF-8 bytes, hex. A high-entropy token needs no salt or slow hash. */
    public static String sha256Hex(String token) {
        return HexFormat.of().formatHex(sha256(token));
    }

    public static byte[] sha256(String text) {
        return Sha256.of(text);
    }

    @Override
    public String toString() {
        return "HIDDEN";
    }
}
