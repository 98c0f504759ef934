package dev.burrow.policy.actions.login;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * A plain OAuth 2.0 provider's three URLs and the scopes asked when the policy names none. {@link #PRESETS} are the
 * providers the {@code oauth} action knows by name, as each documents its endpoints.
 */
record OAuthEndpoints(String authorizeUrl, String tokenUrl, String userInfoUrl, List<String> defaultScopes) {

    static final Map<String, OAuthEndpoints> PRESETS = Map.of(
            // docs.github.com: "Authorizing OAuth apps" (web application flow) and "Get the authenticated user".
            "github", new OAuthEndpoints("https://github.com/login/oauth/authorize",
                    "https://github.com/login/oauth/access_token", "https://api.github.com/user",
                    List.of("read:user", "user:email")),
            // developers.google.com/identity/openid-connect/openid-connect (the discovery document's endpoints).
            "google", new OAuthEndpoints("https://accounts.google.com/o/oauth2/v2/auth",
                    "https://oauth2.googleapis.com/token", "https://openidconnect.googleapis.com/v1/userinfo",
                    List.of("openid", "email", "profile")),
            // docs.gitlab.com: "OAuth 2.0 identity provider API" and "GitLab as OpenID Connect identity provider".
            "gitlab", new OAuthEndpoints("https://gitlab.com/oauth/authorize", "https://gitlab.com/oauth/token",
                    "https://gitlab.com/oauth/userinfo", List.of("openid", "profile", "email")),
            // learn.microsoft.com: Microsoft identity platform v2.0 endpoints (multi-tenant "common") and the
            // Microsoft Graph OpenID userinfo endpoint.
            "microsoft", new OAuthEndpoints("https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
                    "https://login.microsoftonline.com/common/oauth2/v2.0/token", "https://graph.microsoft.com/oidc/userinfo",
                    List.of("openid", "profile", "email")));

    /** {@code scheme://authority} of the authorize URL (Vert.x's "site"; every URL is given whole anyway). */
    String origin() {
        URI uri = URI.create(authorizeUrl);
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }
}
