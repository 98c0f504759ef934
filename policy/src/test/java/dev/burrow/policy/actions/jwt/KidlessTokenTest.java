package dev.burrow.policy.actions.jwt;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.burrow.policy.fetch.PolicyFetches;
import dev.burrow.policy.fetch.TestGuards;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A token without a kid costs one public-key check per key of its algorithm on the event loop: the edge tries at most
 * three such keys, and remembers a token that verified with none instead of checking it again on every request.
 */
class KidlessTokenTest {
    private static final String ISSUER = "https://issuer.example/";
    private static Vertx vertx;
    private static HttpServer jwks;
    private static final List<ECKey> keys = new ArrayList<>();

    @BeforeAll
    static void serveFourEcKeys() throws Exception {
        for (int i = 0; i < 4; i++) {
            keys.add(new ECKeyGenerator(Curve.P_256).keyID("ec-" + i).generate());
        }
        vertx = Vertx.vertx();
        jwks = vertx.createHttpServer().requestHandler(request -> {
            int count = request.path().equals("/four.json") ? 4 : 3;
            List<JWK> published = new ArrayList<>();
            keys.subList(0, count).forEach(key -> published.add(key.toPublicJWK()));
            request.response().putHeader("Content-Type", "application/json").end(new JWKSet(published).toString());
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aKidlessTokenIsRefusedWhenTheSetHasMoreThanThreeKeysForItsAlgorithm() throws Exception {
        TokenValidator validator = validator("/four.json");
        TokenValidator.Outcome outcome = validate(validator, kidless(keys.get(3)));
        assertEquals("the token has no kid and the key set has more than 3 keys for ES256", outcome.problem());
        assertEquals(0, validator.signatureChecks());
    }

    @Test
    void aKidlessTokenThatVerifiesWithNoKeyIsCheckedOnceNotOnEveryRequest() throws Exception {
        TokenValidator validator = validator("/three.json");
        assertNull(validate(validator, kidless(keys.get(2))).problem());
        long afterGood = validator.signatureChecks();
        String forged = kidless(keys.get(3));
        for (int i = 0; i < 100; i++) {
            assertEquals("the signature does not verify with any known key", validate(validator, forged).problem());
        }
        assertEquals(3, validator.signatureChecks() - afterGood, "three keys tried once, then the failure is remembered");
    }

    private static TokenValidator validator(String path) {
        JwksSource source = new JwksSource("http://127.0.0.1:" + jwks.actualPort() + path,
                () -> PolicyFetches.of(vertx, TestGuards.LOOPBACK_ALLOWED),
                System::nanoTime);
        return new TokenValidator(Set.of("ES256"), Set.of(ISSUER), Set.of(), List.of(source));
    }

    private static TokenValidator.Outcome validate(TokenValidator validator, String token) throws Exception {
        return validator.validate(token, Instant.now()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static String kidless(ECKey key) throws Exception {
        Instant now = Instant.now();
        SignedJWT token = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).build(), new JWTClaimsSet.Builder()
                .issuer(ISSUER).subject("alice").expirationTime(Date.from(now.plusSeconds(300))).build());
        token.sign(new ECDSASigner(key));
        return token.serialize();
    }
}
