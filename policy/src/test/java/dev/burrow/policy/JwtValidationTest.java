package dev.burrow.policy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.burrow.policy.fetch.TestGuards;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * jwt-validation against a real JWKS endpoint on loopback: tokens signed with RSA, EC and Ed25519 keys pass; expired,
 * not-yet-valid, wrong-issuer, wrong-audience, {@code alg: none}, HS256-made-with-the-public-key and unknown-kid tokens
 * get 401 with an RFC 6750 challenge; an unknown kid makes the edge fetch the set once more, and only once per 30 s.
 */
class JwtValidationTest {
    private static final String ISSUER = "https://issuer.example/";
    private static Vertx vertx;
    private static HttpServer jwks;
    private static final AtomicReference<String> served = new AtomicReference<>();
    private static final AtomicInteger fetches = new AtomicInteger();
    private static final CountDownLatch endlessLetGo = new CountDownLatch(1);
    private static RSAKey rsa;
    private static ECKey ec;
    private static KeyPair ed;
    private static OctetKeyPair edPublic;

    @BeforeAll
    static void serveJwks() throws Exception {
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] spki = ed.getPublic().getEncoded();
        edPublic = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(Arrays.copyOfRange(spki, spki.length - 32,
                spki.length))).keyID("ed-1").build();
        serve(rsa, ec, edPublic);
        vertx = Vertx.vertx();
        jwks = vertx.createHttpServer().requestHandler(request -> {
            if (request.path().equals("/endless.json")) {
                serveEndlessly(request.response());
                return;
            }
            fetches.incrementAndGet();
            request.response().putHeader("Content-Type", "application/json").end(served.get());
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** A chunked JWKS that never ends: 64 KiB every 10 ms, at most 4 MiB, until the fetcher lets go. */
    private static void serveEndlessly(HttpServerResponse response) {
        response.setChunked(true).putHeader("Content-Type", "application/json");
        response.closeHandler(v -> endlessLetGo.countDown());
        Buffer chunk = Buffer.buffer(" ".repeat(64 * 1024));
        AtomicInteger written = new AtomicInteger();
        vertx.setPeriodic(10, timer -> {
            if (response.closed() || written.incrementAndGet() > 64) {
                vertx.cancelTimer(timer);
            } else {
                response.write(chunk);
            }
        });
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static void serve(JWK... keys) {
        List<JWK> publicKeys = new ArrayList<>();
        for (JWK key : keys) {
            publicKeys.add(key.toPublicJWK());
        }
        served.set(new JWKSet(publicKeys).toString());
    }

    private TrafficPolicy policy(String extraRules) throws PolicyException {
        return new PolicyCompiler(PolicyEnvironment.local(vertx).withFetchGuard(TestGuards.LOOPBACK_ALLOWED)).compile("""
                on_http_request:
                  - actions:
                      - type: jwt-validation
                        config:
                          issuer: {allow_list: [{value: "%s"}]}
                          audience: {allow_list: [{value: "urn:burrow:api"}, {value: other}]}
                          http:
                            tokens: [{type: access_token, method: header, name: Authorization, prefix: "Bearer "}]
                          jws:
                            allowed_algorithms: [RS256, ES256, EdDSA]
                            keys: {sources: {additional_jkus: ["http://127.0.0.1:%d/jwks.json"]}}
                %s""".formatted(ISSUER, jwks.actualPort(), extraRules), "policy.yml");
    }

    private static JWTClaimsSet.Builder claims() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(ISSUER).audience("urn:burrow:api").subject("alice")
                .claim("email", "alice@example.com").claim("email_verified", true).expirationTime(Date.from(now.plusSeconds(300)))
                .notBeforeTime(Date.from(now.minusSeconds(5)));
    }

    private static String sign(JWSAlgorithm alg, String kid, JWSSigner signer, JWTClaimsSet claims) throws Exception {
        SignedJWT token = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).build(), claims);
        token.sign(signer);
        return token.serialize();
    }

    private static String rs256(JWTClaimsSet claims) throws Exception {
        return sign(JWSAlgorithm.RS256, "rsa-1", new RSASSASigner(rsa), claims);
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static Verdict decide(TrafficPolicy policy, PolicyRequest request) throws Exception {
        return policy.newExchange(PolicyHarness.client("192.0.2.7"), request).onRequest()
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static Verdict withToken(TrafficPolicy policy, String token) throws Exception {
        return decide(policy, PolicyHarness.request("GET", "/api", "Authorization: Bearer " + token));
    }

    private static void assertInvalid(Verdict verdict, String why) {
        assertEquals(401, PolicyHarness.status(verdict), why);
        String challenge = PolicyHarness.header(verdict, "WWW-Authenticate");
        assertTrue(challenge.startsWith("Bearer realm=\"burrow\", error=\"invalid_token\", error_description=\""), challenge);
        assertTrue(challenge.contains(why), challenge + " should say " + why);
    }

    @Test
    void tokensSignedWithRsaEcAndEd25519KeysPassAndLaterRulesReadTheClaims() throws Exception {
        TrafficPolicy policy = policy("""
                  - actions:
                      - type: custom-response
                        config: {status_code: 200, body: "${actions.ngrok.jwt_validation.tokens[0].payload.sub} ${actions.ngrok.jwt_validation.tokens[0].payload.email} ${actions.ngrok.jwt_validation.tokens[0].header.alg}"}
                """);
        assertEquals("alice alice@example.com RS256", PolicyHarness.body(withToken(policy, rs256(claims().build()))));
        assertEquals("alice alice@example.com ES256", PolicyHarness.body(withToken(policy,
                sign(JWSAlgorithm.ES256, "ec-1", new ECDSASigner(ec), claims().build()))));
        String edHeader = b64("{\"alg\":\"EdDSA\",\"kid\":\"ed-1\"}") + "." + b64(claims().build().toString());
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(ed.getPrivate());
        signer.update(edHeader.getBytes(StandardCharsets.US_ASCII));
        String edToken = edHeader + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signer.sign());
        assertEquals("alice alice@example.com EdDSA", PolicyHarness.body(withToken(policy, edToken)));
    }

    @Test
    void aValidTokenTellsTheEdgeWhoTheVisitorIsAndARefusedOneTellsNothing() throws Exception {
        TrafficPolicy policy = policy("");
        PolicyExchange valid = policy.newExchange(PolicyHarness.client("192.0.2.7"), PolicyHarness.request("GET", "/api",
                "Authorization: Bearer " + rs256(claims().claim("name", "Alice A.").build())));
        assertEquals(Verdict.PROCEED, valid.onRequest().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertEquals(new VisitorIdentity("jwt", "alice", "alice@example.com", "Alice A.", ISSUER), valid.visitorIdentity());
        PolicyExchange refused = policy.newExchange(PolicyHarness.client("192.0.2.7"), PolicyHarness.request("GET", "/api",
                "Authorization: Bearer " + rs256(claims().audience("urn:someone:else").build())));
        assertEquals(401, PolicyHarness.status(refused.onRequest().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)));
        assertNull(refused.visitorIdentity(), "a refused token proves nobody");
        PolicyExchange oddClaim = policy.newExchange(PolicyHarness.client("192.0.2.7"), PolicyHarness.request("GET", "/api",
                "Authorization: Bearer " + rs256(claims().claim("email", 42).build())));
        assertEquals(Verdict.PROCEED, oddClaim.onRequest().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertEquals(new VisitorIdentity("jwt", "alice", "", "", ISSUER), oddClaim.visitorIdentity(),
                "a claim that is not text is not passed on");
        for (Object verified : java.util.Arrays.asList(false, null)) {
            PolicyExchange unverified = policy.newExchange(PolicyHarness.client("192.0.2.7"), PolicyHarness.request("GET", "/api",
                    "Authorization: Bearer " + rs256(claims().claim("email_verified", verified).build())));
            assertEquals(Verdict.PROCEED, unverified.onRequest().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
            assertEquals(new VisitorIdentity("jwt", "alice", "", "", ISSUER), unverified.visitorIdentity(),
                    "an email the token does not say is verified (email_verified " + verified + ") is not passed on");
        }
    }

    @Test
    void expiredNotYetValidWrongIssuerAndWrongAudienceAreRefused() throws Exception {
        TrafficPolicy policy = policy("");
        Instant now = Instant.now();
        assertInvalid(withToken(policy, rs256(claims().expirationTime(Date.from(now.minusSeconds(120))).build())),
                "expired");
        assertEquals(Verdict.PROCEED, withToken(policy, rs256(claims().expirationTime(Date.from(now.minusSeconds(10)))
                .build())), "10 s past exp is within the 30 s clock skew");
        assertInvalid(withToken(policy, rs256(claims().notBeforeTime(Date.from(now.plusSeconds(120))).build())),
                "not valid yet");
        assertInvalid(withToken(policy, rs256(claims().issuer("https://issuer.example").build())), "issuer");
        assertInvalid(withToken(policy, rs256(claims().audience("urn:someone:else").build())), "audience");
        assertEquals(Verdict.PROCEED, withToken(policy, rs256(claims().audience(List.of("x", "other")).build())));
        assertInvalid(withToken(policy, rs256(claims().expirationTime(null).build())), "no expiry");
        String tampered = rs256(claims().build());
        String[] parts = tampered.split("\\.");
        assertInvalid(withToken(policy, parts[0] + "." + b64(claims().subject("mallory").build().toString()) + "."
                + parts[2]), "signature");
    }

    @Test
    void aJwksLargerThanTheCapIsRefusedAsItArrivesAndItsConnectionLetGo() throws Exception {
        TrafficPolicy policy = new PolicyCompiler(PolicyEnvironment.local(vertx).withFetchGuard(TestGuards.LOOPBACK_ALLOWED)).compile("""
                on_http_request:
                  - actions:
                      - type: jwt-validation
                        config:
                          issuer: {allow_list: [{value: "%s"}]}
                          audience: {allow_list: [{value: "urn:burrow:api"}]}
                          http:
                            tokens: [{type: access_token, method: header, name: Authorization, prefix: "Bearer "}]
                          jws:
                            allowed_algorithms: [RS256]
                            keys: {sources: {additional_jkus: ["http://127.0.0.1:%d/endless.json"]}}
                """.formatted(ISSUER, jwks.actualPort()), "policy.yml");
        long started = System.nanoTime();
        Verdict verdict = withToken(policy, rs256(claims().build()));
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(503, PolicyHarness.status(verdict), "no keys could be read: " + verdict);
        assertTrue(millis < 5_000, "refused at the cap, not at the 5 s fetch timeout: " + millis + " ms");
        assertTrue(endlessLetGo.await(10, TimeUnit.SECONDS), "the fetcher reset the endless response");
    }

    @Test
    void algNoneAndHs256SignedWithThePublicKeyAreRefused() throws Exception {
        TrafficPolicy policy = policy("");
        String unsigned = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64(claims().build().toString()) + ".";
        assertInvalid(withToken(policy, unsigned), "not a signed JWT");
        byte[] publicKeyAsSecret = ("-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(
                rsa.toRSAPublicKey().getEncoded()) + "\n-----END PUBLIC KEY-----\n").getBytes(StandardCharsets.US_ASCII);
        String confused = sign(JWSAlgorithm.HS256, "rsa-1", new MACSigner(publicKeyAsSecret), claims().build());
        assertInvalid(withToken(policy, confused), "HS256 is not allowed");
        PolicyException hs = PolicyHarness.refusal(("""
                on_http_request:
                  - actions:
                      - type: jwt-validation
                        config:
                          issuer: {allow_list: [{value: x}]}
                          http: {tokens: [{type: jwt, method: header, name: Authorization}]}
                          jws: {allowed_algorithms: [RS256, HS256], keys: {sources: {additional_jkus: ["http://127.0.0.1:1/"]}}}
                """));
        assertTrue(hs.problem().contains("HS256 needs a shared secret"), hs.getMessage());
        assertTrue(PolicyHarness.refusal("""
                on_http_request:
                  - actions:
                      - type: jwt-validation
                        config:
                          issuer: {allow_list: [{value: x}]}
                          http: {tokens: [{type: jwt, method: header, name: Authorization}]}
                          jws: {allowed_algorithms: [none], keys: {sources: {additional_jkus: ["http://127.0.0.1:1/"]}}}
                """).problem().contains("none is never allowed"));
    }

    @Test
    void aMissingTokenGetsAChallengeWithoutAnErrorCode() throws Exception {
        Verdict verdict = decide(policy(""), PolicyHarness.request("GET", "/api"));
        assertEquals(401, PolicyHarness.status(verdict));
        assertEquals("Bearer realm=\"burrow\"", PolicyHarness.header(verdict, "WWW-Authenticate"));
        Verdict basic = decide(policy(""), PolicyHarness.request("GET", "/api", "Authorization: Basic YTpi"));
        assertEquals("Bearer realm=\"burrow\"", PolicyHarness.header(basic, "WWW-Authenticate"));
    }

    @Test
    void anUnknownKidMakesTheEdgeFetchTheKeysOnceMoreAndNotAgainWithin30Seconds() throws Exception {
        TrafficPolicy policy = policy("");
        assertEquals(Verdict.PROCEED, withToken(policy, rs256(claims().build())));
        int afterFirst = fetches.get();
        assertEquals(Verdict.PROCEED, withToken(policy, rs256(claims().build())), "cached: no fetch");
        assertEquals(afterFirst, fetches.get());

        RSAKey rotated = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
        serve(rsa, ec, edPublic, rotated);
        assertEquals(Verdict.PROCEED, withToken(policy, sign(JWSAlgorithm.RS256, "rsa-2", new RSASSASigner(rotated),
                claims().build())), "the rotated key is found by one refetch");
        assertEquals(afterFirst + 1, fetches.get());

        RSAKey unknown = new RSAKeyGenerator(2048).keyID("rsa-3").generate();
        for (int i = 0; i < 5; i++) {
            assertInvalid(withToken(policy, sign(JWSAlgorithm.RS256, "rsa-3", new RSASSASigner(unknown),
                    claims().build())), "no key with kid rsa-3");
        }
        assertEquals(afterFirst + 1, fetches.get(), "made-up kids do not make the edge fetch again within 30 s");
    }

    @Test
    void aTokenInACookieIsFoundByName() throws Exception {
        TrafficPolicy policy = new PolicyCompiler(PolicyEnvironment.local(vertx).withFetchGuard(TestGuards.LOOPBACK_ALLOWED)).compile("""
                on_http_request:
                  - actions:
                      - type: jwt-validation
                        config:
                          issuer: {allow_list: [{value: "%s"}]}
                          http: {tokens: [{type: id_token, method: cookie, name: session}]}
                          jws: {allowed_algorithms: [RS256], keys: [{sources: [{additional_jkus: ["http://127.0.0.1:%d/"]}]}]}
                """.formatted(ISSUER, jwks.actualPort()), "policy.yml");
        assertEquals(Verdict.PROCEED, decide(policy, PolicyHarness.request("GET", "/",
                "Cookie: theme=dark; session=" + rs256(claims().build()))));
        assertEquals(401, PolicyHarness.status(decide(policy, PolicyHarness.request("GET", "/", "Cookie: theme=dark"))));
    }
}
