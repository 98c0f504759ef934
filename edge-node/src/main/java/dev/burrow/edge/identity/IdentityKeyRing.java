package dev.burrow.edge.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ES256 keys with which the edge signs identity assertions. Every node of a cluster derives the same keys from the
 * same secret (HKDF-SHA256 of the cluster CA's private key, which every node holds), one key per rotation period:
 * nothing is stored or exchanged, a node that restarts signs with the keys it signed with before, and any node's
 * signature verifies with any node's key set. The set published holds the previous period's key (whose assertions may
 * still be unexpired), the current one and the next one (so a verifier that cached the set knows the key before the
 * edge signs with it, and a node whose clock runs a little ahead still signs with a published key).
 */
public final class IdentityKeyRing {
    /** How long one key signs before the next one takes over. */
    public static final Duration ROTATION = Duration.ofHours(24);
    private static final byte[] SALT = "burrow-identity-assertion-keys/1".getBytes(StandardCharsets.US_ASCII);
    private static final X9ECParameters P256 = ECNamedCurveTable.getByName("secp256r1");

    private final byte[] secret;
    private final long periodSeconds;
    private final ECParameterSpec curve;
    /** Derived keys by period number; only the few around now are kept. */
    private final Map<Long, ECKey> keys = new ConcurrentHashMap<>();

    IdentityKeyRing(byte[] secret, Duration period) {
        this.secret = secret.clone();
        this.periodSeconds = period.toSeconds();
        this.curve = p256();
    }

    /** Blocking: reads the cluster CA key (the data directory's {@code ca-key.pem}). */
    public static IdentityKeyRing fromCaKey(Path caKey) throws IOException {
        return new IdentityKeyRing(Files.readString(caKey, StandardCharsets.US_ASCII).trim().getBytes(StandardCharsets.US_ASCII),
                ROTATION);
    }

    /** Keys no other node shares (an edge assembled without a data directory, in tests). */
    public static IdentityKeyRing ephemeral() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return new IdentityKeyRing(secret, ROTATION);
    }

    /** For tests: keys from {@code secret}, rotating every {@code period}. */
    public static IdentityKeyRing of(byte[] secret, Duration period) {
        return new IdentityKeyRing(secret, period);
    }

    /** The period number {@code now} falls in (the key that signs then). */
    public long periodAt(Instant now) {
        return Math.floorDiv(now.getEpochSecond(), periodSeconds);
    }

    /** Signs {@code claims} with the key of the period {@code now} falls in: a compact JWS, {@code typ: JWT}. */
    public String sign(JWTClaimsSet claims, Instant now) {
        ECKey key = key(periodAt(now));
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT)
                .keyID(key.getKeyID()).build(), claims);
        try {
            jwt.sign(new ECDSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign an identity assertion: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }

    /** The public keys a verifier needs at {@code now}: the previous, current and next periods'. */
    public JWKSet published(Instant now) {
        long current = periodAt(now);
        keys.keySet().removeIf(period -> period < current - 1 || period > current + 1);
        return new JWKSet(List.of(key(current - 1).toPublicJWK(), key(current).toPublicJWK(), key(current + 1).toPublicJWK()));
    }

    private ECKey key(long period) {
        return keys.computeIfAbsent(period, this::derive);
    }

    /** The period's private scalar from HKDF output 64 bits longer than the order (FIPS 186-5 A.2.1), so unbiased. */
    private ECKey derive(long period) {
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(secret, SALT, ("ES256 key of period " + period).getBytes(StandardCharsets.US_ASCII)));
        byte[] okm = new byte[40];
        hkdf.generateBytes(okm, 0, okm.length);
        BigInteger order = P256.getN();
        BigInteger d = new BigInteger(1, okm).mod(order.subtract(BigInteger.ONE)).add(BigInteger.ONE);
        org.bouncycastle.math.ec.ECPoint q = new FixedPointCombMultiplier().multiply(P256.getG(), d).normalize();
        try {
            KeyFactory factory = KeyFactory.getInstance("EC");
            ECPublicKey publicKey = (ECPublicKey) factory.generatePublic(new ECPublicKeySpec(
                    new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger()), curve));
            ECPrivateKey privateKey = (ECPrivateKey) factory.generatePrivate(new ECPrivateKeySpec(d, curve));
            ECKey unnamed = new ECKey.Builder(Curve.P_256, publicKey).privateKey(privateKey).build();
            return new ECKey.Builder(unnamed).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256)
                    .keyID(unnamed.computeThumbprint().toString()).build();
        } catch (GeneralSecurityException | JOSEException e) {
            throw new IllegalStateException("cannot build the identity key of period " + period + ": " + e.getMessage(), e);
        }
    }

    private static ECParameterSpec p256() {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK offers no P-256 curve", e);
        }
    }

    @Override
    public String toString() {
        return "IdentityKeyRing[HIDDEN]";
    }
}
