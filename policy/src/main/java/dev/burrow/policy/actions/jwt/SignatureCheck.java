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
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;

/**
 * Checks a JWS against one public key, only when key and algorithm belong together: RS and PS with an RSA key, ES with
 * an EC key of the algorithm's curve, EdDSA with an Ed25519 key (checked by the JDK's Ed25519). HMAC algorithms are
 * never accepted: their key would have to be a shared secret, and taking a public key as one is the classic forgery.
 */
final class SignatureCheck {
    /** JCA keys made from JWKs, kept while their JWK set is (decoding an RSA or EC key costs more than a check). */
    private static final Map<JWK, PublicKey> PUBLIC_KEYS = Collections.synchronizedMap(new WeakHashMap<>());
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
            PublicKey publicKey = PUBLIC_KEYS.get(key);
            if (publicKey == null) {
                publicKey = publicKey(key);
                PUBLIC_KEYS.put(key, publicKey);
            }
            if (publicKey instanceof RSAPublicKey rsa) {
                return token.verify(new RSASSAVerifier(rsa));
            }
            if (publicKey instanceof ECPublicKey ec) {
                return token.verify(new ECDSAVerifier(ec));
            }
            return ed25519(token, publicKey);
        } catch (JOSEException | GeneralSecurityException | IllegalStateException e) {
            return false;
        }
    }

    private static PublicKey publicKey(JWK key) throws JOSEException, GeneralSecurityException {
        if (key instanceof RSAKey rsa) {
            return rsa.toRSAPublicKey();
        }
        if (key instanceof ECKey ec) {
            return ec.toECPublicKey();
        }
        byte[] raw = ((OctetKeyPair) key).getX().decode();
        if (raw.length != 32) {
            throw new GeneralSecurityException("an Ed25519 key has 32 bytes, not " + raw.length);
        }
        byte[] spki = new byte[ED25519_SPKI_HEAD.length + 32];
        System.arraycopy(ED25519_SPKI_HEAD, 0, spki, 0, ED25519_SPKI_HEAD.length);
        System.arraycopy(raw, 0, spki, ED25519_SPKI_HEAD.length, 32);
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
    }

    private static boolean ed25519(SignedJWT token, PublicKey publicKey) throws GeneralSecurityException {
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(publicKey);
        verifier.update(token.getSigningInput());
        return verifier.verify(token.getSignature().decode());
    }
}
