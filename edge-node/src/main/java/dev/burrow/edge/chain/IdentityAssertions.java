package dev.burrow.edge.chain;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.burrow.edge.identity.IdentityKeyRing;
import dev.burrow.edge.registry.Endpoint;
import dev.burrow.policy.VisitorIdentity;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The edge's signed statements of who a visitor is: a JWT with {@code iss} the edge, {@code aud} the endpoint's URL,
 * {@code sub}, {@code email}, {@code name}, {@code provider} and {@code idp} (who vouched), valid
 * {@link #LIFETIME}. Signing costs 0.7 ms of CPU (ES256, measured), so an assertion is reused for the same visitor and
 * endpoint while it is younger than {@link #REUSE} (at most {@link #CACHED} kept, the least recently used dropped).
 * Called from every event loop.
 */
public final class IdentityAssertions {
    public static final Duration LIFETIME = Duration.ofMinutes(5);
    /** An assertion handed out again is always valid for at least LIFETIME - REUSE. */
    public static final Duration REUSE = Duration.ofMinutes(1);
    static final int CACHED = 4096;

    private final IdentityKeyRing keys;
    private final String issuer;
    private final Function<Endpoint, String> audienceOf;
    private final Clock clock;
    private final Map<Key, Signed> recent = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Signed> eldest) {
            return size() > CACHED;
        }
    };
    private volatile PublishedSet published;

    /**
     * @param issuer     the {@code iss} of every assertion: the edge ({@code https://} and its domain)
     * @param audienceOf an endpoint's public URL, the {@code aud} its upstream checks
     */
    public IdentityAssertions(IdentityKeyRing keys, String issuer, Function<Endpoint, String> audienceOf, Clock clock) {
        this.keys = keys;
        this.issuer = issuer;
        this.audienceOf = audienceOf;
        this.clock = clock;
    }

    private record Key(VisitorIdentity identity, String audience) {
    }

    private record Signed(String token, Instant issued) {
    }

    private record PublishedSet(long period, byte[] json) {
    }

    public String issuer() {
        return issuer;
    }

    /** The assertion for {@code identity} at {@code endpoint}: a fresh one, or one signed less than REUSE ago. */
    public String assertionFor(VisitorIdentity identity, Endpoint endpoint) {
        Instant now = clock.instant();
        Key key = new Key(identity, audienceOf.apply(endpoint));
        Signed known;
        synchronized (recent) {
            known = recent.get(key);
        }
        if (known != null && now.isBefore(known.issued().plus(REUSE)) && !now.isBefore(known.issued())
                && keys.periodAt(known.issued()) == keys.periodAt(now)) {
            return known.token();
        }
        Signed fresh = new Signed(keys.sign(claims(key, now), now), now);
        synchronized (recent) {
            recent.put(key, fresh);
        }
        return fresh.token();
    }

    private JWTClaimsSet claims(Key key, Instant now) {
        VisitorIdentity identity = key.identity();
        return new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(key.audience())
                .subject(identity.subject())
                .claim("email", given(identity.email()))
                // the login actions and jwt-validation pass on only an email the provider or token says is verified
                .claim("email_verified", identity.email() != null && !identity.email().isEmpty())
                .claim("name", given(identity.name()))
                .claim("provider", identity.provider())
                .claim("idp", identity.issuer())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(LIFETIME)))
                .build();
    }

    /** A field the provider did not give is no claim at all (a null claim is left out). */
    private static String given(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    /** The JSON Web Key Set that verifies every assertion still valid, and the next period's key. */
    public byte[] keySet() {
        Instant now = clock.instant();
        long period = keys.periodAt(now);
        PublishedSet current = published;
        if (current == null || current.period() != period) {
            current = new PublishedSet(period, keys.published(now).toString(true).getBytes(StandardCharsets.UTF_8));
            published = current;
        }
        return current.json();
    }
}
