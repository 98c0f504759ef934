package dev.burrow.edge.pki;

import dev.burrow.digest.Sha256;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Checks agent authtokens. Only SHA-256 digests of the accepted tokens are kept, and a candidate is compared with
 * every one of them with {@link MessageDigest#isEqual} (constant time), without stopping at the first match.
 */
public final class TokenVerifier {
    private final List<byte[]> acceptedDigests;

    public TokenVerifier(List<String> acceptedTokens) {
        this.acceptedDigests = acceptedTokens.stream().map(Sha256::of).toList();
    }

    /**
     * Returns the owner key of {@code candidate} when it is accepted: a fingerprint that identifies the token in the
     * registry without revealing it. Empty when refused.
     */
    public Optional<String> verify(String candidate) {
        if (candidate == null) {
            return Optional.empty();
        }
        byte[] digest = Sha256.of(candidate);
        boolean accepted = false;
        for (byte[] expected : acceptedDigests) {
            accepted |= MessageDigest.isEqual(expected, digest);
        }
        return accepted ? Optional.of(ownerKey(candidate)) : Optional.empty();
    }

    /** A non-secret fingerprint of a token: the first 16 hex digits of SHA-256("burrow-owner:" + token). */
    public static String ownerKey(String token) {
        return "owner-" + HexFormat.of().formatHex(Sha256.of("burrow-owner:" + token), 0, 8);
    }
}
