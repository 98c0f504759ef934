package dev.burrow.policy.actions.login;

import dev.burrow.policy.AuthSessionStore;
import dev.burrow.policy.ConnectionFacts;
import dev.burrow.policy.PolicyRequest;
import dev.burrow.policy.SessionKeys;
import dev.burrow.policy.Verdict;
import dev.burrow.policy.VisitorIdentity;
import dev.burrow.policy.actions.Outcomes;
import dev.burrow.policy.engine.EvaluationContext;
import io.vertx.core.Future;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The authorization-code flow with PKCE at the edge, shared by {@code openid-connect} and {@code oauth}. A request with
 * a valid session cookie goes on, its identity published; a GET without one is sent to the provider (state, nonce and
 * PKCE verifier sealed in a login cookie); the callback path checks the state against that cookie, accepts each login
 * once cluster-wide, exchanges the code and sets the session cookie; the logout path deletes it. The callback and
 * logout paths are answered by the edge and never reach the upstream. Both cookies and the one-time login are bound to
 * this endpoint and this action's provider and client ({@link SealedCookie#context}): the cookie keys are the cluster's,
 * so without that a session sealed for one tenant's endpoint would open on every other.
 */
final class LoginFlow {
    static final Duration LOGIN_TTL = Duration.ofMinutes(10);
    /** A session cookie is sealed again (newest key, idle clock moved) at most this often. */
    static final long RESEAL_AFTER_SECONDS = 60;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final LoginSettings settings;
    private final LoginProvider provider;
    private final AuthSessionStore store;

    LoginFlow(LoginSettings settings, LoginProvider provider, AuthSessionStore store) {
        this.settings = settings;
        this.provider = provider;
        this.store = store;
    }

    void close() {
        provider.close();
    }

    Future<Verdict> run(EvaluationContext context) {
        PolicyRequest request = context.request();
        if (settings.allowCorsPreflight() && isCorsPreflight(request)) {
            context.detail("CORS preflight let through");
            return Outcomes.PROCEED;
        }
        return store.keys().compose(keys -> {
            String path = request.path();
            if (path.equals(settings.callbackPath())) {
                return callback(context, keys);
            }
            if (path.equals(settings.logoutPath())) {
                return logout(context);
            }
            VisitorSession session = session(context, keys);
            return session != null ? admit(context, keys, session) : startLogin(context, keys);
        });
    }

    private static boolean isCorsPreflight(PolicyRequest request) {
        return request.method().equals("OPTIONS") && request.header("origin") != null
                && request.header("access-control-request-method") != null;
    }

    /** The session the cookie holds, or null when there is none, it does not open, or it expired. */
    private VisitorSession session(EvaluationContext context, SessionKeys keys) {
        String name = settings.sessionCookie(secure(context));
        String sealed = Cookies.value(context.request(), name);
        String text = sealed == null ? null : SealedCookie.open(keys, sealedFor(context, name), sealed);
        VisitorSession session = text == null ? null : VisitorSession.decode(text);
        if (session == null) {
            context.detail(sealed == null ? "no session"
                    : "session cookie refused (tampered, sealed by a retired key, or for another endpoint or provider)");
            return null;
        }
        if (!session.binding().equals(settings.binding())) {
            context.detail("session from another provider or client than this action's");
            return null;
        }
        long now = context.now().getEpochSecond();
        if (now - session.loggedInEpochSecond() > settings.maxSession().toSeconds()) {
            context.detail("session older than max_session_duration");
            return null;
        }
        if (now - session.seenEpochSecond() > settings.idleTimeout().toSeconds()) {
            context.detail("session idle longer than idle_session_timeout");
            return null;
        }
        return session;
    }

    private Future<Verdict> admit(EvaluationContext context, SessionKeys keys, VisitorSession session) {
        VisitorIdentity identity = session.identity();
        publish(context, identity);
        context.visitorIdentity(identity);
        context.detail("logged in as " + identity.subject());
        long now = context.now().getEpochSecond();
        boolean reseal = now - session.seenEpochSecond() >= RESEAL_AFTER_SECONDS || !sealedWithNewest(keys, context);
        Cookies.remove(context.request(), settings.sessionCookie(true), settings.loginCookie(true),
                settings.sessionCookie(false), settings.loginCookie(false));
        if (reseal) {
            String cookie = sessionCookie(context, keys, session.seenAt(now), now);
            context.whenResponse(response -> response.addHeader("Set-Cookie", cookie));
        }
        return Outcomes.PROCEED;
    }

    /** Whether the presented session cookie was sealed with the newest key (else it is sealed again, with that). */
    private boolean sealedWithNewest(SessionKeys keys, EvaluationContext context) {
        String sealed = Cookies.value(context.request(), settings.sessionCookie(secure(context)));
        return sealed != null && sealed.startsWith(keys.newest().id() + ".");
    }

    private void publish(EvaluationContext context, VisitorIdentity identity) {
        context.publishActionResult(settings.resultKey(), Map.of("authenticated", true, "identity",
                Map.of("sub", identity.subject(), "email", identity.email(), "name", identity.name())));
    }

    private Future<Verdict> startLogin(EvaluationContext context, SessionKeys keys) {
        PolicyRequest request = context.request();
        context.publishActionResult(settings.resultKey(), Map.of("authenticated", false));
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            return Outcomes.plain(401, "401 Unauthorized: log in first (open this site's pages in a browser)",
                    settings.actionType(), List.of());
        }
        String state = random(32);
        String nonce = random(32);
        String verifier = random(48);
        LoginState login = new LoginState(state, nonce, verifier, request.target(), context.now().getEpochSecond());
        String name = settings.loginCookie(secure(context));
        String loginCookie = Cookies.set(name, SealedCookie.seal(keys.newest(), sealedFor(context, name), login.encode()),
                LOGIN_TTL.toSeconds(), secure(context));
        return provider.authorizeUrl(redirectUri(context), state, challenge(verifier), nonce).compose(location -> {
            context.detail("sent to the provider to log in");
            return Future.succeededFuture(redirect(location, loginCookie));
        }, failure -> providerUnavailable(context, failure));
    }

    /**
     * 503: the provider cannot be asked (unreachable, or at an address the edge refuses to fetch from), which is not the
     * visitor's doing; the reason goes to the trail, where the agent and the operator read it.
     */
    private Future<Verdict> providerUnavailable(EvaluationContext context, Throwable failure) {
        context.detail("the identity provider cannot be used: " + failure.getMessage());
        return Outcomes.plain(503, "503 Service Unavailable: this site's identity provider cannot be reached; try again later",
                settings.actionType(), List.of(Map.entry("Cache-Control", "no-store"), Map.entry("Retry-After", "30")));
    }

    private Future<Verdict> callback(EvaluationContext context, SessionKeys keys) {
        Map<String, List<String>> query = Query.parse(context.request().query());
        String name = settings.loginCookie(secure(context));
        String sealed = Cookies.value(context.request(), name);
        String text = sealed == null ? null : SealedCookie.open(keys, sealedFor(context, name), sealed);
        LoginState login = text == null ? null : LoginState.decode(text);
        String state = Query.first(query, "state");
        if (login == null) {
            return refuse(context, 400, "no login in progress in this browser (it expired, or did not start here)");
        }
        if (state == null || !VertxLoginProvider.constantTimeEquals(login.state(), state)) {
            return refuse(context, 400, "the state does not match this browser's login");
        }
        if (context.now().getEpochSecond() - login.startedEpochSecond() > LOGIN_TTL.toSeconds()) {
            return refuse(context, 400, "the login took longer than " + LOGIN_TTL.toMinutes() + " minutes");
        }
        String error = Query.first(query, "error");
        String code = Query.first(query, "code");
        if (error != null || code == null) {
            return refuse(context, 403, "the provider did not log you in" + (error == null ? "" : " (" + error + ")"));
        }
        return store.claimOnce(sealedFor(context, name) + "\n" + login.state(), LOGIN_TTL).compose(first -> !first
                ? refuse(context, 400, "this login was already completed once")
                : provider.identify(code, login.verifier(), redirectUri(context), login.nonce())
                        .map(identity -> loggedIn(context, keys, identity, login))
                        .recover(failure -> refuse(context, 401, "the provider did not confirm the login: " + failure.getMessage())));
    }

    private Verdict loggedIn(EvaluationContext context, SessionKeys keys, VisitorIdentity identity, LoginState login) {
        long now = context.now().getEpochSecond();
        publish(context, identity);
        context.detail("logged in as " + identity.subject());
        List<Map.Entry<String, String>> headers = new ArrayList<>(4);
        headers.add(Map.entry("Location", returnPath(login.returnTo())));
        headers.add(Map.entry("Cache-Control", "no-store"));
        headers.add(Map.entry("Set-Cookie", sessionCookie(context, keys, new VisitorSession(identity, settings.binding(), now, now), now)));
        headers.add(Map.entry("Set-Cookie", Cookies.set(settings.loginCookie(secure(context)), "", 0, secure(context))));
        return new Verdict.Respond(302, headers, new byte[0], settings.actionType());
    }

    /**
     * Where to send the visitor after the login: the path first asked for, if it is a path of this endpoint; "/"
     * otherwise. {@code //host} and {@code /\host} are other sites to a browser, never a path here.
     */
    static String returnPath(String target) {
        boolean local = target.startsWith("/") && (target.length() == 1 || target.charAt(1) != '/' && target.charAt(1) != '\\');
        return local && target.chars().noneMatch(c -> c < 0x20 || c == 0x7f) ? target : "/";
    }

    private Future<Verdict> logout(EvaluationContext context) {
        String deleted = Cookies.set(settings.sessionCookie(secure(context)), "", 0, secure(context));
        context.detail("logged out");
        context.publishActionResult(settings.resultKey(), Map.of("authenticated", false));
        return provider.logoutUrl(origin(context) + "/").map(location -> location == null
                ? new Verdict.Respond(200, List.of(Map.entry("Content-Type", "text/plain; charset=utf-8"),
                        Map.entry("Cache-Control", "no-store"), Map.entry("Set-Cookie", deleted)),
                        "Signed out.\n".getBytes(StandardCharsets.UTF_8), settings.actionType())
                : redirect(location, deleted));
    }

    private String sessionCookie(EvaluationContext context, SessionKeys keys, VisitorSession session, long now) {
        long left = settings.maxSession().toSeconds() - (now - session.loggedInEpochSecond());
        String name = settings.sessionCookie(secure(context));
        return Cookies.set(name, SealedCookie.seal(keys.newest(), sealedFor(context, name), session.encode()),
                Math.max(0, left), secure(context));
    }

    private String sealedFor(EvaluationContext context, String cookieName) {
        return SealedCookie.context(cookieName, endpoint(context), settings.binding());
    }

    /** The endpoint the edge routed the exchange to (its URL, which names its hostname): no header or rule changes it. */
    private static String endpoint(EvaluationContext context) {
        ConnectionFacts facts = context.connection();
        return facts != null && facts.endpoint() != null ? facts.endpoint().url() : context.request().host();
    }

    private Future<Verdict> refuse(EvaluationContext context, int status, String why) {
        context.detail("login refused: " + why);
        context.publishActionResult(settings.resultKey(), Map.of("authenticated", false));
        return Outcomes.plain(status, status + " Login refused: " + why + ". Open the site again to start a new login.",
                settings.actionType(), List.of(Map.entry("Cache-Control", "no-store")));
    }

    private Verdict redirect(String location, String setCookie) {
        return new Verdict.Respond(302, List.of(Map.entry("Location", location), Map.entry("Cache-Control", "no-store"),
                Map.entry("Set-Cookie", setCookie)), new byte[0], settings.actionType());
    }

    private String redirectUri(EvaluationContext context) {
        return origin(context) + settings.callbackPath();
    }

    /** {@code scheme://Host} as the visitor addressed this endpoint (the Host routed the request here). */
    private static String origin(EvaluationContext context) {
        PolicyRequest request = context.request();
        String host = request.header("host");
        return request.scheme() + "://" + (host != null ? host : request.host());
    }

    private static boolean secure(EvaluationContext context) {
        return "https".equals(context.request().scheme());
    }

    private static String random(int bytes) {
        byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
    }

    /** PKCE S256: base64url(SHA-256(verifier)). */
    static String challenge(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }
}
