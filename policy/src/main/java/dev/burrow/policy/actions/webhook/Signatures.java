package dev.burrow.policy.actions.webhook;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;

/** The MAC and comparison primitives the schemes share. Comparisons are constant-time. */
final class Signatures {
    static final String SHA256 = "HmacSHA256";
    static final String SHA1 = "HmacSHA1";

    private Signatures() {
    }

    static byte[] hmac(String algorithm, byte[] key, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key, algorithm));
            for (byte[] part : parts) {
                mac.update(part);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK always has " + algorithm, e);
        }
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /** Constant-time equality of two texts (a signature as sent and as computed). */
    static boolean same(String presented, String expected) {
        return presented != null && MessageDigest.isEqual(utf8(presented), utf8(expected));
    }

    /** True when {@code timestamp} (Unix seconds, as text) is within {@code toleranceSeconds} of now, either way. */
    static boolean fresh(String timestamp, long nowSeconds, long toleranceSeconds) {
        if (timestamp == null || !timestamp.matches("\\d{1,12}")) {
            return false;
        }
        return Math.abs(nowSeconds - Long.parseLong(timestamp)) <= toleranceSeconds;
    }
}
