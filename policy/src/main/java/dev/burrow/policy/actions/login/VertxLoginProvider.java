package dev.burrow.policy.actions.login;

import dev.burrow.policy.VisitorIdentity;
import dev.burrow.policy.fetch.PolicyFetches;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2AuthorizationURL;
import io.vertx.ext.auth.oauth2.OAuth2FlowType;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import io.vertx.ext.auth.oauth2.Oauth2Credentials;
import io.vertx.ext.auth.oauth2.providers.OpenIDConnectAuth;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A {@link LoginProvider} on vertx-auth-oauth2: an OpenID provider found by discovery (the id_token's signature,
 * issuer, audience and expiry checked by Vert.x; its nonce and audience checked here again), or a plain OAuth 2.0
 * provider given by its endpoints (the identity from its userinfo URL). The client is made on first use, not when
 * the policy is compiled (discovery is a network call); a failed discovery is tried again after
 * {@link #RETRY_AFTER_MILLIS}. Every call to the provider is bounded by {@link #CALL_TIMEOUT_SECONDS}. The client
 * fetches through {@link PolicyFetches} (the URLs the policy names are checked first for a clear refusal; every
 * connection, to the endpoints discovery returned too, is checked where it is made), and is closed with the policy
 * ({@link #close()}).
 */
final class VertxLoginProvider implements LoginProvider {
    static final long RETRY_AFTER_MILLIS = 10_000;
    static final long CALL_TIMEOUT_SECONDS = 10;
    /** vertx-auth-oauth2 clients made and not yet closed, in this process (a gauge for tests). */
    private static final AtomicInteger LIVE_CLIENTS = new AtomicInteger();

    private final Vertx vertx;
    private final Supplier<PolicyFetches> fetches;
    private final List<String> namedUrls;
    private final OAuth2Options options;
    private final boolean openId;
    private final String providerName;
    private final List<String> scopes;
    private final LongSupplier clockMillis;
    private Future<OAuth2Auth> client;
    private long clientFailedAt;
    private OAuth2Auth live;
    private boolean closed;

    private VertxLoginProvider(Vertx vertx, Supplier<PolicyFetches> fetches, List<String> namedUrls, OAuth2Options options,
                               boolean openId, String providerName, List<String> scopes, LongSupplier clockMillis) {
        this.vertx = vertx;
        this.fetches = fetches;
        this.namedUrls = List.copyOf(namedUrls);
        this.options = options;
        this.openId = openId;
        this.providerName = providerName;
        this.scopes = List.copyOf(scopes);
        this.clockMillis = clockMillis;
    }

    static VertxLoginProvider openId(Vertx vertx, Supplier<PolicyFetches> fetches, String issuerUrl, String clientId,
                                     String clientSecret, List<String> scopes) {
        OAuth2Options options = new OAuth2Options().setSite(issuerUrl).setClientId(clientId).setClientSecret(clientSecret);
        return new VertxLoginProvider(vertx, fetches, List.of(issuerUrl), options, true, "oidc", scopes,
                System::currentTimeMillis);
    }

    static VertxLoginProvider oauth(Vertx vertx, Supplier<PolicyFetches> fetches, String providerName,
                                    OAuthEndpoints endpoints, String clientId, String clientSecret, List<String> scopes) {
        OAuth2Options options = new OAuth2Options().setClientId(clientId)
                .setClientSecret(clientSecret).setSite(endpoints.origin())
                .setAuthorizationPath(endpoints.authorizeUrl()).setTokenPath(endpoints.tokenUrl())
                .setUserInfoPath(endpoints.userInfoUrl());
        return new VertxLoginProvider(vertx, fetches, List.of(endpoints.tokenUrl(), endpoints.userInfoUrl()), options,
                false, providerName, scopes, System::currentTimeMillis);
    }

    /** Called on event loops; the first caller starts discovery (or creation), later ones share it. */
    private synchronized Future<OAuth2Auth> client() {
        if (vertx == null) {
            return Future.failedFuture("the identity provider is not contacted offline (burrow policy test)");
        }
        if (closed) {
            return Future.failedFuture("the policy was replaced; the next request runs the new one");
        }
        if (client == null || client.failed() && clockMillis.getAsLong() - clientFailedAt >= RETRY_AFTER_MILLIS) {
            Future<OAuth2Auth> making = created();
            making.onSuccess(this::made);
            client = making.timeout(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            client.onFailure(failure -> failedNow());
        }
        return client.recover(failure -> Future.failedFuture(failure instanceof PolicyFetches.FetchRefusedException
                ? failure : new IllegalStateException("the identity provider is unreachable: " + failure.getMessage(), failure)));
    }

    /**
     * The client, made to fetch through the policy fetches: an OpenID provider's issuer URL is checked first, then
     * discovered; a plain OAuth client is made without any call (its URLs are checked before the code exchange).
     */
    private Future<OAuth2Auth> created() {
        PolicyFetches through;
        try {
            through = fetches.get();
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
        Future<Void> checked = openId ? checked(through) : Future.succeededFuture();
        return checked.compose(ok -> through.clientOptions()).compose(http -> {
            OAuth2Options fetching = new OAuth2Options(options).setHttpClientOptions(http);
            return openId ? OpenIDConnectAuth.discover(vertx, fetching) : Future.succeededFuture(OAuth2Auth.create(vertx, fetching));
        });
    }

    /** Each URL the policy names, in turn, for a refusal worded for the operator before anything connects. */
    private Future<Void> checked(PolicyFetches through) {
        Future<Void> checked = Future.succeededFuture();
        for (String url : namedUrls) {
            checked = checked.compose(ok -> through.check(url));
        }
        return checked;
    }

    /**
     * Keeps (and counts) a client made, even one that came after its call timed out (the one it replaces is closed),
     * or closes it at once when the policy was closed while it was being made.
     */
    private synchronized void made(OAuth2Auth made) {
        if (closed) {
            made.close();
            return;
        }
        if (live != null) {
            live.close();
            LIVE_CLIENTS.decrementAndGet();
        }
        live = made;
        LIVE_CLIENTS.incrementAndGet();
    }

    private synchronized void failedNow() {
        clientFailedAt = clockMillis.getAsLong();
    }

    /**
     * Closes the client (its key-refresh timer and its hook on the Vert.x context, which otherwise keep it and its HTTP
     * client reachable for as long as the process runs). A login in flight then fails; nothing new is made.
     */
    @Override
    public synchronized void close() {
        closed = true;
        if (live != null) {
            live.close();
            live = null;
            LIVE_CLIENTS.decrementAndGet();
        }
    }

    /** vertx-auth-oauth2 clients made by any provider of this process and not closed. */
    static int liveClients() {
        return LIVE_CLIENTS.get();
    }

    @Override
    public Future<String> authorizeUrl(String redirectUri, String state, String codeChallenge, String nonce) {
        return client().map(auth -> {
            OAuth2AuthorizationURL url = new OAuth2AuthorizationURL().setRedirectUri(redirectUri).setScopes(scopes)
                    .setState(state).setCodeChallenge(codeChallenge).setCodeChallengeMethod("S256");
            if (openId) {
                url.putAdditionalParameter("nonce", nonce);
            }
            return auth.authorizeURL(url);
        });
    }

    @Override
    public Future<VisitorIdentity> identify(String code, String verifier, String redirectUri, String nonce) {
        Future<Void> checked = openId ? Future.succeededFuture() : fetchesChecked();
        return checked.compose(ok -> client()).compose(auth -> auth.authenticate(new Oauth2Credentials().setFlow(OAuth2FlowType.AUTH_CODE)
                        .setCode(code).setCodeVerifier(verifier).setRedirectUri(redirectUri))
                .timeout(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .compose(user -> openId ? checkedIdToken(user, nonce) : Future.succeededFuture(user))
                .compose(user -> auth.userInfo(user).timeout(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                        .map(info -> identity(user, info))));
    }

    private Future<Void> fetchesChecked() {
        try {
            return checked(fetches.get());
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    private Future<User> checkedIdToken(User user, String nonce) {
        String problem = idTokenProblem(user.attributes().getJsonObject("idToken"), nonce, options.getClientId());
        return problem == null ? Future.succeededFuture(user) : Future.failedFuture(problem);
    }

    /**
     * Why the id_token's claims (Vert.x verified its signature, issuer and expiry) are not this login's, or null: its
     * nonce must be the one sealed in this browser's login cookie (a code injected from another login carries
     * another), and its audience must name this client.
     */
    static String idTokenProblem(JsonObject claims, String nonce, String clientId) {
        if (claims == null) {
            return "the provider sent no id_token (is 'openid' among the scopes?)";
        }
        String presented = claims.getValue("nonce") instanceof String text ? text : "";
        if (!constantTimeEquals(nonce, presented)) {
            return "the id_token's nonce is not this login's";
        }
        Object audience = claims.getValue("aud");
        boolean forUs = audience instanceof String single ? single.equals(clientId)
                : audience instanceof JsonArray list && list.contains(clientId);
        return forUs ? null : "the id_token is not for client " + clientId;
    }

    private VisitorIdentity identity(User user, JsonObject info) {
        JsonObject idToken = openId ? user.attributes().getJsonObject("idToken") : null;
        String subject = idToken != null ? idToken.getString("sub") : text(info, "sub", "id");
        if (subject == null || subject.isEmpty()) {
            throw new IllegalStateException("the provider's userinfo names no subject (sub or id)");
        }
        String email = verifiedEmail(info, idToken);
        String name = text(info, "name", "displayName", "login", "preferred_username");
        if (idToken != null) {
            name = name != null ? name : idToken.getString("name");
        }
        String issuer = idToken != null ? idToken.getString("iss", "") : originOf(options.getAuthorizationPath());
        return new VisitorIdentity(providerName, subject, email, name, issuer);
    }

    /**
     * The visitor's email only when the provider vouches for it: the userinfo's (or else the id_token's) {@code email},
     * if the userinfo or the id_token gives that same address with {@code email_verified: true}. Otherwise null (the
     * identity's email is then ""): an address anyone can type in at the provider must not reach the upstream as who
     * the visitor is. Providers whose userinfo has no {@code email_verified} (GitHub's /user, Microsoft Graph's
     * userinfo) therefore publish no email.
     */
    static String verifiedEmail(JsonObject userInfo, JsonObject idToken) {
        String email = userInfo != null && userInfo.getValue("email") instanceof String text ? text
                : idToken != null && idToken.getValue("email") instanceof String text ? text : null;
        return email != null && !email.isEmpty() && (vouches(userInfo, email) || vouches(idToken, email)) ? email : null;
    }

    /** Whether {@code claims} name {@code email} and say it is verified (a few providers send the boolean as text). */
    static boolean vouches(JsonObject claims, String email) {
        if (claims == null || !email.equals(claims.getValue("email"))) {
            return false;
        }
        Object verified = claims.getValue("email_verified");
        return Boolean.TRUE.equals(verified) || "true".equals(verified);
    }

    /** The first of {@code names} that {@code json} has, numbers written as text (GitHub's id is a number). */
    private static String text(JsonObject json, String... names) {
        for (String name : names) {
            Object value = json.getValue(name);
            if (value != null && !(value instanceof JsonObject) && !(value instanceof JsonArray)) {
                return String.valueOf(value);
            }
        }
        return null;
    }

    private static String originOf(String url) {
        java.net.URI uri = java.net.URI.create(url);
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    @Override
    public Future<String> logoutUrl(String postLogoutRedirectUri) {
        if (!openId) {
            return Future.succeededFuture(null);
        }
        return client().map(auth -> auth.endSessionURL(User.create(new JsonObject()), new JsonObject()
                .put("client_id", options.getClientId()).put("post_logout_redirect_uri", postLogoutRedirectUri)));
    }

    static boolean constantTimeEquals(String expected, String presented) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
    }
}
