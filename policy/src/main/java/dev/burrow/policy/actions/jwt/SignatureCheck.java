package dev.burrow.policy.actions.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;

/**
 * Checks a JWS against one public key, only when key and algorithm belong together: RS and PS with an RSA key, ES with
 * an EC key of the algorithm's curve, EdDSA with an Ed25519 key (checked by the JDK's Ed25519). HMAC algorithms are
 * never accepted: their key would have to be a shared secret, and taking a public key as one is the classic forgery.
 */
final class SignatureCheck {
    /** The fixed DER head of an Ed25519 SubjectPublicKeyInfo; the 32-byte key follows it. */
    private static final byte[] ED25519_SPKI_HEAD = HexFormat.of().parseHex("302a300506032b6570032100");

    private SignatureCheck() {
    }

    /** True when {@code key} may verify {@code alg} (its type, curve, declared use and algorithm agree). */
    static boolean fits(JWK key, JWSAlgorithm alg) {
        if (key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse())) {
            return false;
        }
        if (key.getAlgorithm() != null && !key.getAlgorithm().getName().equals(alg.getName())) {
            return false;
        }
        String name = alg.getName();
        if (name.startsWith("RS") || name.startsWith("PS")) {
            return key instanceof RSAKey;
        }
        if (name.startsWith("ES")) {
            return key instanceof ECKey ec && Curve.forJWSAlgorithm(alg).contains(ec.getCurve());
        }
        return "EdDSA".equals(name) && key instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve());
    }

    /** True when the token's signature verifies with {@code key}; false for any mismatch or malformed key. */
    static boolean verifies(SignedJWT token, JWK key) {
        try {
            if (key instanceof RSAKey rsa) {
                return token.verify(new RSASSAVerifier(rsa.toRSAPublicKey()));
            }
            if (key instanceof ECKey ec) {
                return token.verify(new ECDSAVerifier(ec.toECPublicKey()));
            }
            if (key instanceof OctetKeyPair okp) {
                return ed25519(token, okp.getX().decode());
            }
            return false;
        } catch (JOSEException | GeneralSecurityException | IllegalStateException e) {
            return false;
        }
    }

    private static boolean ed25519(SignedJWT token, byte[] publicKey) throws GeneralSecurityException {
        if (publicKey.length != 32) {
            return false;
        }
        byte[] spki = new byte[ED25519_SPKI_HEAD.length + 32];
        System.arraycopy(ED25519_SPKI_HEAD, 0, spki, 0, ED25519_SPKI_HEAD.length);
        System.arraycopy(publicKey, 0, spki, ED25519_SPKI_HEAD.length, 32);
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki)));
        verifier.update(token.getSigningInput());
        return verifier.verify(token.getSignature().decode());
    }
}
