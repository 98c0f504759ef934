package dev.burrow.edge.identity;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Keys every node derives alike, rotating so that an assertion verifies with any key set published while it is valid. */
class IdentityKeyRingTest {
    private static final byte[] CLUSTER = "-----BEGIN EC PRIVATE KEY----- one cluster".getBytes(StandardCharsets.US_ASCII);
    private static final Duration PERIOD = Duration.ofHours(24);
    private static final Instant NOON = Instant.parse("2026-12-07T12:00:00Z");

    private static String signed(IdentityKeyRing ring, Instant at) {
        return ring.sign(new JWTClaimsSet.Builder().subject("alice").build(), at);
    }

    private static boolean verifies(String token, JWKSet set) throws Exception {
        SignedJWT jwt = SignedJWT.parse(token);
        JWK key = set.getKeyByKeyId(jwt.getHeader().getKeyID());
        return key != null && jwt.verify(new ECDSAVerifier((ECKey) key));
    }

    @Test
    void twoNodesWithTheSameClusterKeyPublishTheSameSetAndVerifyEachOthersAssertions() throws Exception {
        IdentityKeyRing first = IdentityKeyRing.of(CLUSTER, PERIOD);
        IdentityKeyRing second = IdentityKeyRing.of(CLUSTER.clone(), PERIOD);
        assertEquals(first.published(NOON).toString(), second.published(NOON).toString());
        assertTrue(verifies(signed(first, NOON), second.published(NOON)));
        assertTrue(verifies(signed(second, NOON), first.published(NOON)));

        IdentityKeyRing stranger = IdentityKeyRing.of("another cluster".getBytes(StandardCharsets.US_ASCII), PERIOD);
        assertFalse(verifies(signed(stranger, NOON), first.published(NOON)), "another cluster's kid is unknown here");
    }

    @Test
    void theSetHoldsThePreviousCurrentAndNextKeysAsPublicEs256SigningKeysNamedByThumbprint() throws Exception {
        List<JWK> keys = IdentityKeyRing.of(CLUSTER, PERIOD).published(NOON).getKeys();
        assertEquals(3, keys.size());
        assertEquals(3, keys.stream().map(JWK::getKeyID).distinct().count());
        for (JWK key : keys) {
            assertFalse(key.isPrivate(), "never the private part");
            assertNull(key.toJSONObject().get("d"));
            assertEquals("ES256", key.getAlgorithm().getName());
            assertEquals("sig", key.getKeyUse().identifier());
            assertEquals("P-256", ((ECKey) key).getCurve().getName());
            assertEquals(key.computeThumbprint().toString(), key.getKeyID(), "RFC 7638 thumbprint");
        }
    }

    @Test
    void aRotationNeitherBreaksAnAssertionStillValidNorSurprisesACachedSet() throws Exception {
        IdentityKeyRing ring = IdentityKeyRing.of(CLUSTER, PERIOD);
        Instant lastSecond = Instant.parse("2026-12-07T23:59:59Z");
        Instant nextDay = lastSecond.plusSeconds(2);
        String before = signed(ring, lastSecond);
        String after = signed(ring, nextDay);
        assertNotEquals(SignedJWT.parse(before).getHeader().getKeyID(), SignedJWT.parse(after).getHeader().getKeyID(),
                "a new period signs with a new key");
        assertTrue(verifies(before, ring.published(nextDay.plusSeconds(300))), "the old key stays while its assertions live");
        assertTrue(verifies(after, ring.published(lastSecond)), "a set cached before the rotation already holds the new key");
        assertFalse(verifies(before, ring.published(lastSecond.plus(PERIOD.multipliedBy(2)))), "and leaves after one more period");
    }

    @Test
    void theRingNeverPrintsItsSecret() {
        assertEquals("IdentityKeyRing[HIDDEN]", IdentityKeyRing.of(CLUSTER, PERIOD).toString());
    }
}
