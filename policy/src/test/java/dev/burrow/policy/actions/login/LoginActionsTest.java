package dev.burrow.policy.actions.login;

import dev.burrow.policy.AccessLogSink;
import dev.burrow.policy.AuthSessionStore;
import dev.burrow.policy.ConnectionFacts;
import dev.burrow.policy.InProcessAuthSessionStore;
import dev.burrow.policy.InProcessRateLimitCounters;
import dev.burrow.policy.PolicyCompiler;
import dev.burrow.policy.PolicyEnvironment;
import dev.burrow.policy.PolicyException;
import dev.burrow.policy.PolicyExchange;
import dev.burrow.policy.PolicyRequest;
import dev.burrow.policy.PolicyResponse;
import dev.burrow.policy.SessionKeys;
import dev.burrow.policy.TrafficPolicy;
import dev.burrow.policy.Verdict;
import dev.burrow.policy.VisitorIdentity;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The login actions offline: the presets' endpoints as the authorization redirect shows them, the sealed cookies
 * (tampering, another cookie's name, rotation), the one-time callbacks, the id_token's nonce and audience, and the
 * config checks. The flow against a real provider is in test-support ({@code LoginPolicyE2ETest}).
 */
class LoginActionsTest {
    private static final String APP = "https://app.localhost";
    private static final ConnectionFacts CLIENT = new ConnectionFacts("203.0.113.9", 40000, 443, null,
            new ConnectionFacts.EndpointFacts("ep_test", APP, "https"));
    private static Vertx vertx;
    private final AtomicLong clock = new AtomicLong(1_800_000_000_000L);
    private final InProcessAuthSessionStore store = new InProcessAuthSessionStore(clock::get);

    @BeforeAll
    static void startVertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopVertx() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private TrafficPolicy compile(String yaml) throws PolicyException {
        PolicyEnvironment environment = PolicyEnvironment.of(vertx, new InProcessRateLimitCounters(System::nanoTime),
                AccessLogSink.logger(), store);
        return new PolicyCompiler(environment).compile(yaml, "policy.yml");
    }

    private static PolicyException refusal(String yaml) {
        return assertThrows(PolicyException.class,
                () -> new PolicyCompiler(PolicyEnvironment.local(null)).compile(yaml, "policy.yml"));
    }

    private static PolicyRequest request(String method, String target, String... headers) {
        List<Map.Entry<String, String>> head = new ArrayList<>();
        head.add(Map.entry("Host", "app.localhost:8443"));
        for (String header : headers) {
            int colon = header.indexOf(':');
            head.add(Map.entry(header.substring(0, colon).strip(), header.substring(colon + 1).strip()));
        }
        int question = target.indexOf('?');
        return new PolicyRequest(method, "https", "app.localhost", question < 0 ? target : target.substring(0, question),
                question < 0 ? null : target.substring(question + 1), head, -1);
    }

    private static String header(Verdict verdict, String name) {
        return ((Verdict.Respond) verdict).headers().stream().filter(h -> h.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }

    private static Map<String, String> query(String url) {
        Map<String, String> params = new java.util.HashMap<>();
        for (String pair : URI.create(url).getRawQuery().split("&")) {
            int equals = pair.indexOf('=');
            params.put(pair.substring(0, equals), URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
        return params;
    }

    /** A session cookie value as the login action of {@code endpoint} seals it. */
    private String sealedSession(String cookieName, String endpoint, VisitorSession session) {
        return SealedCookie.seal(await(store.keys()).newest(), SealedCookie.context(cookieName, endpoint, session.binding()),
                session.encode());
    }

    private static String oauthPolicy(String provider) {
        return """
                on_http_request:
                  - actions:
                      - type: oauth
                        config: {provider: %s, client_id: the-client, client_secret: the-secret}
                """.formatted(provider);
    }

    @Test
    void eachPresetSendsTheVisitorToItsProvidersAuthorizeUrlWithPkce() throws Exception {
        Map<String, String> authorize = Map.of(
                "github", "https://github.com/login/oauth/authorize",
                "google", "https://accounts.google.com/o/oauth2/v2/auth",
                "gitlab", "https://gitlab.com/oauth/authorize",
                "microsoft", "https://login.microsoftonline.com/common/oauth2/v2.0/authorize");
        Map<String, String> scopes = Map.of("github", "read:user user:email", "google", "openid email profile",
                "gitlab", "openid profile email", "microsoft", "openid profile email");
        for (String provider : authorize.keySet()) {
            Verdict verdict = await(compile(oauthPolicy(provider)).newExchange(CLIENT, request("GET", "/reports?q=1")).onRequest());
            assertEquals(302, ((Verdict.Respond) verdict).status(), provider);
            String location = header(verdict, "Location");
            assertTrue(location.startsWith(authorize.get(provider) + "?"), provider + ": " + location);
            Map<String, String> params = query(location);
            assertEquals("the-client", params.get("client_id"), provider);
            assertEquals("https://app.localhost:8443/_burrow/" + provider + "/callback", params.get("redirect_uri"), provider);
            assertEquals(scopes.get(provider), params.get("scope"), provider);
            assertEquals("S256", params.get("code_challenge_method"), provider);
            assertEquals(43, params.get("code_challenge").length(), provider + ": base64url of a SHA-256");
            assertNotNull(params.get("state"), provider);
            String cookie = header(verdict, "Set-Cookie");
            assertTrue(cookie.startsWith("__Host-burrow_" + provider + "_login=") && cookie.contains("HttpOnly")
                    && cookie.contains("Secure") && cookie.contains("; Path=/;") && cookie.contains("SameSite=Lax")
                    && !cookie.contains("Domain"), cookie);
        }
        assertEquals(OAuthEndpoints.PRESETS.keySet(), authorize.keySet(), "every preset is checked");
    }

    @Test
    void aSealedCookieOpensOnlyUnchangedUnderItsOwnNameAndWhileItsKeyIsKept() {
        SessionKeys keys = await(store.keys());
        String sealed = SealedCookie.seal(keys.newest(), "burrow_oidc_session", "{\"sub\":\"alice\"}");
        assertEquals("{\"sub\":\"alice\"}", SealedCookie.open(keys, "burrow_oidc_session", sealed));
        assertNull(SealedCookie.open(keys, "burrow_oidc_login", sealed), "another cookie's name");
        for (int i = sealed.indexOf('.') + 1; i < sealed.length(); i += 7) {
            char flipped = sealed.charAt(i) == 'A' ? 'B' : 'A';
            assertNull(SealedCookie.open(keys, "burrow_oidc_session", sealed.substring(0, i) + flipped + sealed.substring(i + 1)),
                    "tampered at " + i);
        }
        assertNull(SealedCookie.open(keys, "burrow_oidc_session", sealed.substring(0, sealed.length() - 4)), "truncated");
        for (int rotation = 1; rotation < SessionKeys.KEPT; rotation++) {
            clock.addAndGet(SessionKeys.ROTATE_EVERY_MILLIS);
            SessionKeys rotated = await(store.keys());
            assertFalse(rotated.newest().id().equals(keys.newest().id()));
            assertNotNull(SealedCookie.open(rotated, "burrow_oidc_session", sealed), "still open after " + rotation + " rotation(s)");
        }
        clock.addAndGet(SessionKeys.ROTATE_EVERY_MILLIS);
        assertNull(SealedCookie.open(await(store.keys()), "burrow_oidc_session", sealed), "its key was rotated out");
    }

    @Test
    void aSessionSealedBeforeARotationIsAcceptedAndSealedAgainWithTheNewestKey() throws Exception {
        TrafficPolicy policy = compile(oauthPolicy("github"));
        long now = java.time.Instant.now().getEpochSecond() - 30;
        VisitorIdentity alice = new VisitorIdentity("github", "583231", "alice@example.test", "Alice", "https://github.com");
        SessionKeys before = await(store.keys());
        String binding = LoginSettings.binding("oauth", "https://github.com/login/oauth/authorize", "the-client");
        String cookie = SealedCookie.seal(before.newest(), SealedCookie.context("__Host-burrow_github_session", APP, binding),
                new VisitorSession(alice, binding, now, now).encode());
        store.rotate();

        PolicyExchange exchange = policy.newExchange(CLIENT, request("GET", "/", "Cookie: theme=dark; __Host-burrow_github_session=" + cookie));
        Verdict verdict = await(exchange.onRequest());
        assertEquals(Verdict.PROCEED, verdict);
        assertEquals(alice, exchange.visitorIdentity());
        PolicyResponse response = new PolicyResponse(200, List.of());
        exchange.onResponse(response);
        String resealed = response.header("Set-Cookie");
        assertNotNull(resealed, "sealed again with the newest key");
        assertTrue(resealed.startsWith("__Host-burrow_github_session=" + await(store.keys()).newest().id() + "."), resealed);
    }

    @Test
    void theUpstreamDoesNotSeeTheEdgesCookiesAndASessionPastItsIdleTimeoutIsSentToLogIn() throws Exception {
        TrafficPolicy policy = compile("""
                on_http_request:
                  - actions:
                      - type: oauth
                        config: {provider: gitlab, client_id: c, client_secret: s, idle_session_timeout: 30m}
                """);
        long now = java.time.Instant.now().getEpochSecond();
        VisitorIdentity bob = new VisitorIdentity("gitlab", "42", "bob@example.test", "Bob", "https://gitlab.com");
        String binding = LoginSettings.binding("oauth", "https://gitlab.com/oauth/authorize", "c");
        String fresh = sealedSession("__Host-burrow_gitlab_session", APP, new VisitorSession(bob, binding, now - 3600, now - 20));
        PolicyRequest admitted = request("GET", "/", "Cookie: a=1; __Host-burrow_gitlab_session=" + fresh
                + "; burrow_gitlab_session=tossed; b=2");
        PolicyExchange exchange = policy.newExchange(CLIENT, admitted);
        assertEquals(Verdict.PROCEED, await(exchange.onRequest()));
        assertEquals("a=1; b=2", admitted.header("cookie"));
        PolicyResponse response = new PolicyResponse(200, List.of());
        exchange.onResponse(response);
        assertNull(response.header("Set-Cookie"), "seen 20 s ago with the newest key: not sealed again");

        String idle = sealedSession("__Host-burrow_gitlab_session", APP, new VisitorSession(bob, binding, now - 3600, now - 31 * 60));
        Verdict verdict = await(policy.newExchange(CLIENT, request("GET", "/", "Cookie: __Host-burrow_gitlab_session=" + idle)).onRequest());
        assertEquals(302, ((Verdict.Respond) verdict).status());
        assertTrue(header(verdict, "Location").startsWith("https://gitlab.com/oauth/authorize?"));
    }

    @Test
    void aSessionIsAcceptedOnlyByTheEndpointAndTheProviderAndClientItWasIssuedFor() throws Exception {
        TrafficPolicy victim = compile(genericPolicy("https://idp.victim.example", "victim-client"));
        String victimBinding = LoginSettings.binding("oauth", "https://idp.victim.example/auth", "victim-client");
        String attackerBinding = LoginSettings.binding("oauth", "https://idp.attacker.example/auth", "attacker-client");
        long now = java.time.Instant.now().getEpochSecond();
        VisitorIdentity forged = new VisitorIdentity("oauth", "admin", "ceo@victim.example", "CEO", "https://idp.attacker.example");
        String cookie = "__Host-burrow_oauth_session";
        Map<String, String> refused = Map.of(
                "issued by the attacker's endpoint for its own provider",
                sealedSession(cookie, "https://attacker.localhost", new VisitorSession(forged, attackerBinding, now, now)),
                "issued by another endpoint with the same provider and client",
                sealedSession(cookie, "https://attacker.localhost", new VisitorSession(forged, victimBinding, now, now)),
                "issued on this endpoint by an action of another provider",
                sealedSession(cookie, APP, new VisitorSession(forged, attackerBinding, now, now)),
                "sealed for this endpoint and action but holding another provider's session",
                SealedCookie.seal(await(store.keys()).newest(), SealedCookie.context(cookie, APP, victimBinding),
                        new VisitorSession(forged, attackerBinding, now, now).encode()));
        for (Map.Entry<String, String> attempt : refused.entrySet()) {
            PolicyExchange exchange = victim.newExchange(CLIENT, request("GET", "/admin", "Cookie: " + cookie + "=" + attempt.getValue()));
            Verdict verdict = await(exchange.onRequest());
            assertTrue(verdict instanceof Verdict.Respond respond && respond.status() == 302, attempt.getKey() + ": " + verdict);
            assertTrue(header(verdict, "Location").startsWith("https://idp.victim.example/auth?"), attempt.getKey());
            assertNull(exchange.visitorIdentity(), attempt.getKey());
        }
        VisitorIdentity alice = new VisitorIdentity("oauth", "alice", "", "Alice", "https://idp.victim.example");
        String own = sealedSession(cookie, APP, new VisitorSession(alice, victimBinding, now, now));
        PolicyExchange exchange = victim.newExchange(CLIENT, request("GET", "/admin", "Cookie: " + cookie + "=" + own));
        assertEquals(Verdict.PROCEED, await(exchange.onRequest()));
        assertEquals(alice, exchange.visitorIdentity());
    }

    @Test
    void onHttpsTheCookiesAreHostOnlyAndOnPlainHttpTheyKeepTheirPlainNames() throws Exception {
        TrafficPolicy policy = compile(genericPolicy("https://idp.example", "c"));
        Verdict https = await(policy.newExchange(CLIENT, request("GET", "/")).onRequest());
        assertTrue(header(https, "Set-Cookie").startsWith("__Host-burrow_oauth_login="), header(https, "Set-Cookie"));
        PolicyRequest plain = new PolicyRequest("GET", "http", "app.localhost", "/", null,
                new ArrayList<>(List.of(Map.entry("Host", "app.localhost"))), -1);
        Verdict http = await(policy.newExchange(CLIENT, plain).onRequest());
        String cookie = header(http, "Set-Cookie");
        assertTrue(cookie.startsWith("burrow_oauth_login=") && !cookie.contains("Secure"), cookie);
    }

    @Test
    void anEmailIsPublishedOnlyWhenTheProviderSaysItIsVerified() {
        JsonObject verified = new JsonObject().put("sub", "1").put("email", "a@example.test").put("email_verified", true);
        assertEquals("a@example.test", VertxLoginProvider.verifiedEmail(verified, null));
        assertEquals("a@example.test", VertxLoginProvider.verifiedEmail(null, verified));
        assertEquals("a@example.test", VertxLoginProvider.verifiedEmail(verified.copy().put("email_verified", "true"), null));
        assertEquals("a@example.test", VertxLoginProvider.verifiedEmail(new JsonObject().put("email", "a@example.test"), verified),
                "the id_token vouches for the same address");
        assertNull(VertxLoginProvider.verifiedEmail(verified.copy().put("email_verified", false), null));
        assertNull(VertxLoginProvider.verifiedEmail(new JsonObject().put("id", 583231).put("email", "ceo@victim.example"), null),
                "GitHub's /user: a public email without email_verified");
        assertNull(VertxLoginProvider.verifiedEmail(new JsonObject().put("email", "ceo@victim.example"), verified),
                "the id_token vouches for another address");
        assertNull(VertxLoginProvider.verifiedEmail(new JsonObject().put("mail", "ceo@victim.example"), null));
    }

    private static String genericPolicy(String idp, String clientId) {
        return """
                on_http_request:
                  - actions:
                      - type: oauth
                        config: {authorize_url: "%1$s/auth", token_url: "%1$s/token", userinfo_url: "%1$s/me", client_id: %2$s, client_secret: s}
                """.formatted(idp, clientId);
    }

    @Test
    void aLoginIsCompletedOnceWithinItsLifetime() {
        assertTrue(await(store.claimOnce("oidc:state-1", Duration.ofMinutes(10))));
        assertFalse(await(store.claimOnce("oidc:state-1", Duration.ofMinutes(10))), "replayed");
        assertTrue(await(store.claimOnce("oidc:state-2", Duration.ofMinutes(10))));
        clock.addAndGet(Duration.ofMinutes(11).toMillis());
        assertTrue(await(store.claimOnce("oidc:state-1", Duration.ofMinutes(10))), "forgotten once expired");
    }

    @Test
    void anIdTokenMustCarryThisLoginsNonceAndNameThisClient() {
        JsonObject claims = new JsonObject().put("sub", "alice").put("nonce", "n-123").put("aud", "burrow-edge");
        assertNull(VertxLoginProvider.idTokenProblem(claims, "n-123", "burrow-edge"));
        assertNull(VertxLoginProvider.idTokenProblem(claims.copy().put("aud", new JsonArray().add("other").add("burrow-edge")),
                "n-123", "burrow-edge"));
        assertEquals("the id_token's nonce is not this login's",
                VertxLoginProvider.idTokenProblem(claims, "n-456", "burrow-edge"));
        assertEquals("the id_token's nonce is not this login's",
                VertxLoginProvider.idTokenProblem(claims.copy().putNull("nonce"), "n-123", "burrow-edge"));
        assertEquals("the id_token is not for client burrow-edge",
                VertxLoginProvider.idTokenProblem(claims.copy().put("aud", "someone-else"), "n-123", "burrow-edge"));
        assertNotNull(VertxLoginProvider.idTokenProblem(null, "n-123", "burrow-edge"));
    }

    @Test
    void afterTheLoginTheVisitorIsSentOnlyToAPathOfThisEndpoint() {
        assertEquals("/reports?q=1", LoginFlow.returnPath("/reports?q=1"));
        assertEquals("/", LoginFlow.returnPath("/"));
        assertEquals("/", LoginFlow.returnPath("//evil.example/x"));
        assertEquals("/", LoginFlow.returnPath("/\\evil.example/x"));
        assertEquals("/", LoginFlow.returnPath("https://evil.example/"));
        assertEquals("/", LoginFlow.returnPath("/a\r\nSet-Cookie: x=y"));
    }

    @Test
    void aCorsPreflightGoesThroughOnlyWhenAllowed() throws Exception {
        String allowed = """
                on_http_request:
                  - actions:
                      - type: oauth
                        config: {provider: google, client_id: c, client_secret: s, allow_cors_preflight: true}
                """;
        PolicyRequest preflight = request("OPTIONS", "/api", "Origin: https://ui.example", "Access-Control-Request-Method: PUT");
        assertEquals(Verdict.PROCEED, await(compile(allowed).newExchange(CLIENT, preflight).onRequest()));
        Verdict refused = await(compile(oauthPolicy("google")).newExchange(CLIENT,
                request("OPTIONS", "/api", "Origin: https://ui.example", "Access-Control-Request-Method: PUT")).onRequest());
        assertEquals(401, ((Verdict.Respond) refused).status());
    }

    @Test
    void badConfigsAreRefusedWithWhatToFix() {
        assertTrue(refusal(oauthPolicy("bitbucket")).getMessage().contains("'bitbucket' is not a provider Burrow knows (github, gitlab, google, microsoft)"));
        assertTrue(refusal("""
                on_http_request:
                  - actions:
                      - type: oauth
                        config: {provider: github, authorize_url: "https://x/a", client_id: c, client_secret: s}
                """).getMessage().contains("not both"));
        assertTrue(refusal("""
                on_http_request:
                  - actions:
                      - type: oauth
                        config: {authorize_url: "https://x/a", token_url: "https://x/t", client_id: c, client_secret: s}
                """).getMessage().contains("userinfo_url: is required"));
        assertTrue(refusal("""
                on_http_request:
                  - actions:
                      - type: openid-connect
                        config: {issuer_url: "https://id.example", client_id: c, client_secret: s, scopes: [email]}
                """).getMessage().contains("must include openid"));
        assertTrue(refusal("""
                on_http_request:
                  - actions:
                      - type: openid-connect
                        config: {issuer_url: "https://id.example", client_id: c, client_secret: s, idle_session_timeout: 72h}
                """).getMessage().contains("idle_session_timeout: must be from 1m to 48h"));
        assertTrue(refusal("""
                on_http_request:
                  - actions:
                      - type: openid-connect
                        config: {issuer_url: "ftp://id.example", client_id: c, client_secret: s}
                """).getMessage().contains("is not an http(s) URL"));
        assertTrue(refusal("""
                on_http_response:
                  - actions:
                      - type: openid-connect
                        config: {issuer_url: "https://id.example", client_id: c, client_secret: s}
                """).getMessage().contains("openid-connect"));
        assertTrue(refusal("""
                on_http_request:
                  - actions:
                      - type: openid-connect
                        config: {issuer_url: "https://id.example", client_id: c, client_secret: s, userinfo_refresh_interval: 1h}
                """).getMessage().contains("unknown config key 'userinfo_refresh_interval'"));
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
