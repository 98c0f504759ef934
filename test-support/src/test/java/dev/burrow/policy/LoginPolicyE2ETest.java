package dev.burrow.policy;

import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Await;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.TempDirs;
import dev.burrow.testsupport.Upstream;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code openid-connect} and {@code oauth} (its generic form) through a real edge and agent, against a real OpenID
 * provider (npm oidc-provider, PKCE required) on loopback, driven by {@link LoginUserAgent}: a visitor without a
 * session is sent to the provider and nothing reaches the upstream; after logging in the upstream sees the identity the
 * edge published and never the edge's cookies; forged state, a replayed callback and a tampered session cookie are
 * refused without reaching the upstream; logout ends the session. A session cookie from another endpoint (even one
 * with the same provider and client) opens nothing, and an email the provider does not say is verified reaches nobody.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class LoginPolicyE2ETest {
    private static final String OIDC_CALLBACK = "/_burrow/oidc/callback";
    private static final String OAUTH_CALLBACK = "/_burrow/oauth/callback";
    private static Path dir;
    private static Upstream upstream;
    private static EdgeProcess edge;
    private static LoginTestProvider provider;
    private static AgentProcess agent;

    @BeforeAll
    static void start() throws IOException {
        LoginTestProvider.assumeAvailable();
        dir = Files.createTempDirectory("burrow-login-");
        upstream = Upstream.start();
        edge = EdgeProcess.builder().name("edge-login").allowingLoopbackPolicyFetches().start();
        provider = LoginTestProvider.start(dir, List.of(origin("oidc") + OIDC_CALLBACK, origin("generic") + OAUTH_CALLBACK),
                List.of(origin("oidc") + "/"));
        String issuer = provider.issuer();
        Path config = Files.writeString(dir.resolve("burrow.yml"), """
                version: 1
                agent:
                  inspect: false
                endpoints:
                  - name: oidc
                    url: oidc.%1$s
                    upstream: %2$s
                    traffic_policy:
                      on_http_request:
                        - actions:
                            - type: openid-connect
                              config: {issuer_url: "%3$s", client_id: %4$s, client_secret: %5$s}
                            - type: add-headers
                              config:
                                headers:
                                  x-login-email: "${actions.ngrok.oidc.identity.email}"
                                  x-login-sub: "${actions.ngrok.oidc.identity.sub}"
                  - name: generic
                    url: generic.%1$s
                    upstream: %2$s
                    traffic_policy:
                      on_http_request:
                        - actions:
                            - type: oauth
                              config:
                                authorize_url: "%3$s/auth"
                                token_url: "%3$s/token"
                                userinfo_url: "%3$s/me"
                                scopes: [openid, email, profile]
                                client_id: %4$s
                                client_secret: %5$s
                            - type: add-headers
                              config: {headers: {x-login-email: "${actions.ngrok.oauth.identity.email}"}}
                  - name: sibling
                    url: sibling.%1$s
                    upstream: %2$s
                    traffic_policy:
                      on_http_request:
                        - actions:
                            - type: openid-connect
                              config: {issuer_url: "%3$s", client_id: %4$s, client_secret: %5$s}
                """.formatted(edge.domain(), upstream.httpAddress(), issuer, LoginTestProvider.CLIENT_ID,
                LoginTestProvider.CLIENT_SECRET));
        agent = AgentProcess.startAll(edge).name("agent-login").startTimeout(Duration.ofMinutes(2))
                .arg("--config", config.toString()).start();
        Await.until(() -> agent.process().stdoutLines().stream()
                        .filter(l -> AgentProcess.FORWARDING_LINE.matcher(l).find()).distinct().count() >= 3,
                Duration.ofSeconds(60), Duration.ofMillis(50), () -> "the agent did not forward:\n" + agent.process().tail(20));
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(agent, provider, edge, upstream);
        if (dir != null) {
            TempDirs.deleteRecursively(dir);
        }
    }

    private static String origin(String name) {
        return edge.publicHttpUrl(name);
    }

    private static String host(String name) {
        return name + "." + edge.domain();
    }

    private static long upstreamSaw(String pathPrefix) {
        return upstream.requests().stream().filter(r -> r.uri().startsWith(pathPrefix)).count();
    }

    /** Logs {@code login} in on endpoint {@code name} from {@code path}; returns the upstream's answer to that path. */
    private static LoginUserAgent.Reply logIn(LoginUserAgent browser, String name, String path, String login) {
        LoginUserAgent.Reply loginPage = browser.follow(origin(name) + path, null);
        assertTrue(loginPage.url().startsWith(provider.issuer() + "/interaction/"), loginPage.url() + " " + loginPage.body());
        return browser.signIn(loginPage, login, null);
    }

    @Test
    void aVisitorWithoutASessionIsSentToTheProviderWithPkceAndNothingReachesTheUpstream() {
        LoginUserAgent browser = new LoginUserAgent();
        LoginUserAgent.Reply redirect = browser.get(origin("oidc") + "/private/report?year=2026");
        assertEquals(302, redirect.status(), redirect.body());
        URI authorize = URI.create(redirect.header("location"));
        assertEquals(provider.issuer() + "/auth", authorize.getScheme() + "://" + authorize.getRawAuthority() + authorize.getPath());
        String query = authorize.getRawQuery();
        for (String expected : List.of("code_challenge_method=S256", "code_challenge=", "state=", "nonce=", "response_type=code",
                "client_id=" + LoginTestProvider.CLIENT_ID, "redirect_uri=http%3A%2F%2Foidc." + edge.domain())) {
            assertTrue(query.contains(expected), expected + " missing in " + query);
        }
        assertNotNull(browser.cookie(host("oidc"), "burrow_oidc_login"), "the login cookie");
        LoginUserAgent.Reply post = browser.send("POST", origin("oidc") + "/private/form", "a=1");
        assertEquals(401, post.status(), "a POST is not redirected: " + post.body());
        assertEquals(0, upstreamSaw("/private/"), "an unauthenticated request reached the upstream");
    }

    @Test
    void aVisitorLogsInReachesTheUpstreamAsThemselvesAndLogsOut() {
        LoginUserAgent browser = new LoginUserAgent();
        LoginUserAgent.Reply page = logIn(browser, "oidc", "/echo?page=home&tab=1", "alice");
        assertEquals(200, page.status(), page.url() + " " + page.body());
        assertEquals(origin("oidc") + "/echo?page=home&tab=1", page.url(), "back where the visitor was going");
        Upstream.RecordedRequest seen = upstream.awaitRequest(r -> r.uri().equals("/echo?page=home&tab=1"), Duration.ofSeconds(10));
        assertEquals("alice@example.test", seen.header("x-login-email"));
        assertEquals("alice", seen.header("x-login-sub"));
        String cookies = seen.header("cookie");
        assertTrue(cookies == null || !cookies.contains("burrow_oidc"), "the upstream saw the edge's cookie: " + cookies);

        assertEquals(200, browser.get(origin("oidc") + "/echo?page=again").status(), "the session cookie is enough");
        LoginUserAgent.Reply logout = browser.get(origin("oidc") + "/_burrow/oidc/logout");
        assertEquals(302, logout.status(), logout.body());
        assertTrue(logout.header("location").startsWith(provider.issuer() + "/session/end"), logout.header("location"));
        assertNull(browser.cookie(host("oidc"), "burrow_oidc_session"), "logout deletes the session cookie");
        LoginUserAgent.Reply after = browser.get(origin("oidc") + "/echo?page=after-logout");
        assertEquals(302, after.status());
        assertTrue(after.header("location").startsWith(provider.issuer() + "/auth?"), after.header("location"));
        assertEquals(0, upstreamSaw("/echo?page=after-logout"));
        assertEquals(0, upstreamSaw("/_burrow/"), "the edge's own paths never reach the upstream");
    }

    @Test
    void aCallbackWhoseStateIsNotThisBrowsersLoginIsRefused() {
        LoginUserAgent browser = new LoginUserAgent();
        assertEquals(302, browser.get(origin("oidc") + "/forged").status());
        LoginUserAgent.Reply forged = browser.get(origin("oidc") + OIDC_CALLBACK + "?code=stolen&state=made-up");
        assertEquals(400, forged.status(), forged.body());
        assertTrue(forged.body().contains("state does not match"), forged.body());

        LoginUserAgent stranger = new LoginUserAgent();
        LoginUserAgent.Reply noLogin = stranger.get(origin("oidc") + OIDC_CALLBACK + "?code=stolen&state=made-up");
        assertEquals(400, noLogin.status(), "no login cookie: " + noLogin.body());
        assertNull(stranger.cookie(host("oidc"), "burrow_oidc_session"));
        assertEquals(0, upstreamSaw("/forged"));
    }

    @Test
    void aCallbackReplayedWithItsLoginCookieIsRefused() {
        LoginUserAgent browser = new LoginUserAgent();
        LoginUserAgent.Reply loginPage = browser.follow(origin("oidc") + "/replayed", null);
        String loginCookie = browser.cookie(host("oidc"), "burrow_oidc_login");
        LoginUserAgent.Reply toCallback = browser.signIn(loginPage, "bob", origin("oidc") + OIDC_CALLBACK);
        String callback = toCallback.location();
        LoginUserAgent.Reply first = browser.get(callback);
        assertEquals(302, first.status(), first.body());
        assertNotNull(browser.cookie(host("oidc"), "burrow_oidc_session"));

        LoginUserAgent attacker = new LoginUserAgent();
        attacker.setCookie(host("oidc"), "burrow_oidc_login", loginCookie);
        LoginUserAgent.Reply replayed = attacker.get(callback);
        assertEquals(400, replayed.status(), replayed.body());
        assertTrue(replayed.body().contains("already completed"), replayed.body());
        assertNull(attacker.cookie(host("oidc"), "burrow_oidc_session"));
    }

    @Test
    void aTamperedSessionCookieIsRefusedAndTheVisitorSentToLogIn() {
        LoginUserAgent browser = new LoginUserAgent();
        assertEquals(200, logIn(browser, "oidc", "/echo?tamper=before", "carol").status());
        String session = browser.cookie(host("oidc"), "burrow_oidc_session");
        int flip = session.length() - 10;
        char replaced = session.charAt(flip) == 'A' ? 'B' : 'A';
        browser.setCookie(host("oidc"), "burrow_oidc_session", session.substring(0, flip) + replaced + session.substring(flip + 1));
        LoginUserAgent.Reply tampered = browser.get(origin("oidc") + "/echo?tamper=after");
        assertEquals(302, tampered.status(), tampered.body());
        assertTrue(tampered.header("location").startsWith(provider.issuer() + "/auth?"));
        assertEquals(0, upstreamSaw("/echo?tamper=after"));
    }

    @Test
    void theGenericOAuthFormLogsInAtTheProvidersEndpoints() {
        LoginUserAgent browser = new LoginUserAgent();
        assertEquals(0, upstreamSaw("/echo?generic="));
        LoginUserAgent.Reply page = logIn(browser, "generic", "/echo?generic=page", "dave");
        assertEquals(200, page.status(), page.url() + " " + page.body());
        Upstream.RecordedRequest seen = upstream.awaitRequest(r -> r.uri().equals("/echo?generic=page"), Duration.ofSeconds(10));
        assertEquals("dave@example.test", seen.header("x-login-email"));
        assertNotNull(browser.cookie(host("generic"), "burrow_oauth_session"));
    }

    @Test
    void aSessionCookieIssuedForAnotherEndpointSendsTheVisitorToLogInAndReachesNothing() {
        LoginUserAgent browser = new LoginUserAgent();
        assertEquals(200, logIn(browser, "oidc", "/echo?cross=home", "mallory").status());
        String session = browser.cookie(host("oidc"), "burrow_oidc_session");
        assertNotNull(session);

        LoginUserAgent replay = new LoginUserAgent();
        replay.setCookie(host("sibling"), "burrow_oidc_session", session);
        LoginUserAgent.Reply refused = replay.get(origin("sibling") + "/echo?cross=replayed");
        assertEquals(302, refused.status(), "same provider, same client, same cookie name, other endpoint: " + refused.body());
        assertTrue(refused.header("location").startsWith(provider.issuer() + "/auth?"), refused.header("location"));
        assertEquals(0, upstreamSaw("/echo?cross=replayed"), "a cookie from another endpoint reached the upstream");
        assertEquals(200, browser.get(origin("oidc") + "/echo?cross=own").status(), "it still opens where it was issued");
    }

    @Test
    void anEmailTheProviderDoesNotSayIsVerifiedReachesNeitherRulesNorTheUpstream() {
        LoginUserAgent browser = new LoginUserAgent();
        assertEquals(200, logIn(browser, "oidc", "/echo?unverified=page", "unverified-erin").status());
        Upstream.RecordedRequest seen = upstream.awaitRequest(r -> r.uri().equals("/echo?unverified=page"), Duration.ofSeconds(10));
        assertEquals("unverified-erin", seen.header("x-login-sub"));
        assertEquals("", seen.header("x-login-email") == null ? "" : seen.header("x-login-email"), "rules read no email");
        String headerEmail = seen.header("burrow-auth-user-email");
        assertTrue(headerEmail == null || headerEmail.isEmpty(), "Burrow-Auth-User-Email: " + headerEmail);
        String assertion = seen.header("burrow-auth-assertion");
        assertNotNull(assertion, "the signed assertion");
        JsonObject payload = new JsonObject(new String(Base64.getUrlDecoder().decode(assertion.split("\\.")[1]),
                StandardCharsets.UTF_8));
        assertNull(payload.getString("email"), "no email claim in the assertion: " + payload);
        assertEquals(Boolean.FALSE, payload.getBoolean("email_verified"));
    }
}
