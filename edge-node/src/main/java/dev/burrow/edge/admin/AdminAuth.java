package dev.burrow.edge.admin;

import dev.burrow.edge.tenancy.TenancyError;
import dev.burrow.edge.tenancy.TenancyException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import io.vertx.ext.auth.oauth2.providers.OpenIDConnectAuth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;

/**
 * Authenticates admin API callers from their {@code Authorization: Bearer …} header: the node's bootstrap admin token
 * (compared in constant time), or an access token (a JWT) from the configured OpenID provider, checked by
 * vertx-auth-oauth2 against the provider's discovered JWKS and issuer, and here once more for audience and expiry.
 * The token's {@code scope} (or {@code burrow_roles}) decides: {@code burrow:admin} is an administrator;
 * {@code burrow:tenant:ID}, or a {@code burrow_tenant} claim, an operator of tenant ID. Discovery runs on the first
 * OIDC token and again after a failure.
 */
public final class AdminAuth {
    private static final Logger LOG = LoggerFactory.getLogger(AdminAuth.class);
    public static final String ADMIN_SCOPE = "burrow:admin";
    public static final String TENANT_SCOPE_PREFIX = "burrow:tenant:";

    private final Vertx vertx;
    private final byte[] bootstrapToken;
    private final String issuer;
    private final String audience;
    private Future<OAuth2Auth> provider;

    public AdminAuth(Vertx vertx, String bootstrapToken, String issuer, String audience) {
        this.vertx = vertx;
        this.bootstrapToken = bootstrapToken.getBytes(StandardCharsets.UTF_8);
        this.issuer = issuer;
        this.audience = audience;
    }

    public Future<Caller> authenticate(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return unauthorized("send Authorization: Bearer <token> (the bootstrap admin token or an access token from the OpenID provider)");
        }
        String[] parts = authorization.trim().split("\\s+");
        if (parts.length != 2 || !parts[0].equalsIgnoreCase("bearer") || parts[1].isEmpty()) {
            return unauthorized("the Authorization header must be \"Bearer <token>\"");
        }
        String token = parts[1];
        if (MessageDigest.isEqual(bootstrapToken, token.getBytes(StandardCharsets.UTF_8))) {
            return Future.succeededFuture(Caller.administrator("bootstrap"));
        }
        if (issuer == null || token.chars().filter(c -> c == '.').count() != 2) {
            return unauthorized("the bearer token is not valid");
        }
        return provider().compose(oauth2 -> oauth2.authenticate(new TokenCredentials(token)))
                .recover(error -> {
                    LOG.debug("admin API: bearer token refused: {}", error.getMessage());
                    return unauthorized("the bearer token is not valid");
                })
                .compose(this::callerOf);
    }

    private synchronized Future<OAuth2Auth> provider() {
        if (provider == null) {
            OAuth2Options options = new OAuth2Options().setSite(issuer).setClientId(audience)
                    .setJWTOptions(new JWTOptions().setAudience(List.of(audience)).setLeeway(5));
            Future<OAuth2Auth> discovered = OpenIDConnectAuth.discover(vertx, options);
            provider = discovered;
            discovered.onFailure(error -> {
                LOG.warn("admin API: OpenID discovery at {} failed: {}", issuer, error.getMessage());
                synchronized (this) {
                    if (provider == discovered) {
                        provider = null;
                    }
                }
            });
        }
        return provider;
    }

    private Future<Caller> callerOf(User user) {
        JsonObject claims = user.attributes().getJsonObject("accessToken");
        return callerOf(claims != null ? claims : user.principal());
    }

    /** The caller a verified token's claims name; a claim of the wrong type is a 401, never a 500. */
    Future<Caller> callerOf(JsonObject claims) {
        try {
            return callerOfClaims(claims);
        } catch (ClassCastException | IllegalArgumentException e) {
            LOG.debug("admin API: bearer token with a malformed claim: {}", e.toString());
            return unauthorized("the bearer token has a malformed claim (exp, scope, sub, burrow_tenant or burrow_roles)");
        }
    }

    private Future<Caller> callerOfClaims(JsonObject claims) {
        if (!audienceMatches(claims.getValue("aud"))) {
            return unauthorized("the bearer token is not meant for this service (audience " + audience + ")");
        }
        Long exp = claims.getLong("exp");
        if (exp == null || exp * 1000 <= System.currentTimeMillis()) {
            return unauthorized("the bearer token has expired");
        }
        String subject = claims.getString("sub", claims.getString("client_id", "?"));
        List<String> scopes = Arrays.asList(claims.getString("scope", "").trim().split("\\s+"));
        Object roles = claims.getValue("burrow_roles");
        if (scopes.contains(ADMIN_SCOPE) || (roles instanceof JsonArray array && array.contains(ADMIN_SCOPE))) {
            return Future.succeededFuture(Caller.administrator(subject));
        }
        String tenant = claims.getString("burrow_tenant");
        if (tenant == null) {
            tenant = scopes.stream().filter(s -> s.startsWith(TENANT_SCOPE_PREFIX))
                    .map(s -> s.substring(TENANT_SCOPE_PREFIX.length())).findFirst().orElse(null);
        }
        if (tenant == null || tenant.isBlank()) {
            return Future.failedFuture(new TenancyException(TenancyError.FORBIDDEN,
                    "the bearer token grants neither " + ADMIN_SCOPE + " nor " + TENANT_SCOPE_PREFIX + "ID"));
        }
        return Future.succeededFuture(Caller.ofTenant(tenant, subject));
    }

    private boolean audienceMatches(Object aud) {
        if (aud instanceof String single) {
            return single.equals(audience);
        }
        return aud instanceof JsonArray list && list.contains(audience);
    }

    private static <T> Future<T> unauthorized(String message) {
        return Future.failedFuture(new TenancyException(TenancyError.UNAUTHORIZED, message));
    }
}
