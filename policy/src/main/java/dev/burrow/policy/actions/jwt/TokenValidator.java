package dev.burrow.policy.actions.jwt;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.vertx.core.Future;

import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * Validates one token: a JWS (an unsigned {@code alg: none} token does not even parse as one) whose algorithm is
 * allowed, signed by a key of one of the JWKS URLs that fits that algorithm, from an allowed issuer, for an allowed
 * audience when audiences are given, with an {@code exp} not passed and an {@code nbf} reached, both within
 * {@link #CLOCK_SKEW_SECONDS}. A {@code kid} no known set has makes each set be fetched again (rate-limited by
 * {@link JwksSource}) before the token is refused. A token without a {@code kid} is tried against at most
 * {@link #MAX_KEYS_WITHOUT_KID} keys that fit its algorithm (each check costs up to 2 ms of an event loop), and a token
 * whose signature verified with no key is remembered as such, like one that verified.
 */
public final class TokenValidator {
    public static final long CLOCK_SKEW_SECONDS = 30;
    /** Keys of one algorithm a token without a kid may be checked against; with more, such a token is refused. */
    public static final int MAX_KEYS_WITHOUT_KID = 3;
    private static final String BAD_SIGNATURE = "the signature does not verify with any known key";

    private final Set<String> algorithms;
    private final Set<String> issuers;
    private final Set<String> audiences;
    private final List<JwksSource> sources;
    private final VerifiedSignatures verified = new VerifiedSignatures(System::nanoTime);
    private final VerifiedSignatures failed = new VerifiedSignatures(System::nanoTime);
    private final LongAdder signatureChecks = new LongAdder();

    public TokenValidator(Set<String> algorithms, Set<String> issuers, Set<String> audiences, List<JwksSource> sources) {
        this.algorithms = algorithms;
        this.issuers = issuers;
        this.audiences = audiences;
        this.sources = sources;
    }

    /** The outcome: the parsed token (null when it did not parse) and why it is refused (null when valid). */
    public record Outcome(SignedJWT token, String problem) {
    }

    public Future<Outcome> validate(String text, Instant now) {
        SignedJWT token;
        try {
            token = SignedJWT.parse(text);
        } catch (ParseException e) {
            return done(null, "the token is not a signed JWT");
        }
        JWSAlgorithm alg = token.getHeader().getAlgorithm();
        if (!algorithms.contains(alg.getName())) {
            return done(token, "the algorithm " + alg.getName() + " is not allowed");
        }
        String kid = token.getHeader().getKeyID();
        if (verified.contains(text)) {
            return Future.succeededFuture(claimsOutcome(token, now));
        }
        if (failed.contains(text)) {
            return done(token, BAD_SIGNATURE);
        }
        return keys(false).compose(sets -> {
            if (kid != null && !hasKid(sets, kid)) {
                return keys(true).map(fresh -> check(token, alg, kid, fresh, now));
            }
            return Future.succeededFuture(check(token, alg, kid, sets, now));
        });
    }

    private Future<List<JWKSet>> keys(boolean unknownKid) {
        List<Future<JWKSet>> fetches = new ArrayList<>(sources.size());
        for (JwksSource source : sources) {
            fetches.add(unknownKid ? source.refetchForUnknownKey() : source.current());
        }
        return Future.all(fetches).map(all -> all.<JWKSet>list());
    }

    private static boolean hasKid(List<JWKSet> sets, String kid) {
        return sets.stream().anyMatch(set -> set.getKeyByKeyId(kid) != null);
    }

    private Outcome check(SignedJWT token, JWSAlgorithm alg, String kid, List<JWKSet> sets, Instant now) {
        List<JWK> candidates = new ArrayList<>();
        for (JWKSet set : sets) {
            for (JWK key : set.getKeys()) {
                if ((kid == null || kid.equals(key.getKeyID())) && SignatureCheck.fits(key, alg)) {
                    candidates.add(key);
                }
            }
        }
        if (kid == null && candidates.size() > MAX_KEYS_WITHOUT_KID) {
            return new Outcome(token, "the token has no kid and the key set has more than " + MAX_KEYS_WITHOUT_KID
                    + " keys for " + alg.getName());
        }
        if (candidates.stream().noneMatch(key -> verifies(token, key))) {
            if (kid != null && !hasKid(sets, kid)) {
                return new Outcome(token, "no key with kid " + kid + " is known");
            }
            failed.add(token.getParsedString());
            return new Outcome(token, BAD_SIGNATURE);
        }
        verified.add(token.getParsedString());
        return claimsOutcome(token, now);
    }

    private boolean verifies(SignedJWT token, JWK key) {
        signatureChecks.increment();
        return SignatureCheck.verifies(token, key);
    }

    /** Public-key signature checks run so far (the costly part of a validation). */
    public long signatureChecks() {
        return signatureChecks.sum();
    }

    private Outcome claimsOutcome(SignedJWT token, Instant now) {
        try {
            return new Outcome(token, claimsProblem(token.getJWTClaimsSet(), now));
        } catch (ParseException e) {
            return new Outcome(token, "the payload is not a JSON claims set");
        }
    }

    private String claimsProblem(JWTClaimsSet claims, Instant now) {
        if (claims.getIssuer() == null || !issuers.contains(claims.getIssuer())) {
            return "the issuer is not allowed";
        }
        if (!audiences.isEmpty() && (claims.getAudience() == null
                || claims.getAudience().stream().noneMatch(audiences::contains))) {
            return "the audience is not allowed";
        }
        Date expiry = claims.getExpirationTime();
        if (expiry == null) {
            return "the token has no expiry (exp)";
        }
        long nowSeconds = now.getEpochSecond();
        if (expiry.toInstant().getEpochSecond() + CLOCK_SKEW_SECONDS < nowSeconds) {
            return "the token expired";
        }
        Date notBefore = claims.getNotBeforeTime();
        if (notBefore != null && notBefore.toInstant().getEpochSecond() - CLOCK_SKEW_SECONDS > nowSeconds) {
            return "the token is not valid yet (nbf)";
        }
        return null;
    }

    private static Future<Outcome> done(SignedJWT token, String problem) {
        return Future.succeededFuture(new Outcome(token, problem));
    }
}
