package dev.burrow.policy.actions.login;

import dev.burrow.policy.SessionKeys;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * A cookie value nobody but the edge can read or forge: {@code KEYID.base64url(nonce ‖ AES-256-GCM(text))}. GCM
 * encrypts and authenticates in one step (its 128-bit tag is the signature). The {@link #context} it was sealed for is
 * authenticated too (as associated data): the cookie's name, the endpoint and the login action's provider and client, so
 * a login cookie cannot be presented as a session cookie, nor a cookie one endpoint issued on another endpoint (the key
 * ring is the cluster's, shared by every tenant), nor a session from one provider to an action of another. A value that
 * does not open with a key of the ring and that context (tampered, truncated, sealed by a key rotated out, by another
 * cluster, or for another endpoint or action) opens as null.
 */
final class SealedCookie {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    /** Browsers keep at least 4096 bytes per cookie; a value longer than this is not ours. */
    static final int MAX_VALUE_CHARS = 3800;

    private SealedCookie() {
    }

    /** What a cookie is sealed for; each part is free of the separator (a cookie name, a URL, base64url). */
    static String context(String cookieName, String endpoint, String actionBinding) {
        return cookieName + "\n" + endpoint + "\n" + actionBinding;
    }

    static String seal(SessionKeys.Key key, String context, String text) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        byte[] plain = text.getBytes(StandardCharsets.UTF_8);
        byte[] sealed = crypt(Cipher.ENCRYPT_MODE, key, nonce, context, plain, 0, plain.length);
        byte[] out = new byte[NONCE_BYTES + sealed.length];
        System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
        System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
        return key.id() + "." + ENCODER.encodeToString(out);
    }

    /** The text sealed in {@code value}, or null when it does not open. */
    static String open(SessionKeys keys, String context, String value) {
        if (value == null || value.length() > MAX_VALUE_CHARS) {
            return null;
        }
        int dot = value.indexOf('.');
        SessionKeys.Key key = dot <= 0 ? null : keys.byId(value.substring(0, dot));
        if (key == null) {
            return null;
        }
        byte[] raw;
        try {
            raw = DECODER.decode(value.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (raw.length < NONCE_BYTES + TAG_BITS / 8) {
            return null;
        }
        byte[] nonce = java.util.Arrays.copyOf(raw, NONCE_BYTES);
        byte[] plain = crypt(Cipher.DECRYPT_MODE, key, nonce, context, raw, NONCE_BYTES, raw.length - NONCE_BYTES);
        return plain == null ? null : new String(plain, StandardCharsets.UTF_8);
    }

    /** Null when decryption fails its tag check. */
    private static byte[] crypt(int mode, SessionKeys.Key key, byte[] nonce, String context, byte[] input, int offset, int length) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, new SecretKeySpec(key.secret(), "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(input, offset, length);
        } catch (javax.crypto.AEADBadTagException e) {
            return null;
        } catch (GeneralSecurityException e) {
            if (mode == Cipher.DECRYPT_MODE) {
                return null;
            }
            throw new IllegalStateException("AES-GCM is in every JDK", e);
        }
    }
}
