package dev.burrow.policy.actions.login;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;

/**
 * What both login actions share from their config: {@code authId} names their cookies and paths (so two login actions
 * in one policy do not meet), {@code resultKey} is where later rules read the identity ({@code actions.ngrok.oidc}),
 * {@code binding} names the provider and client the action logs in with ({@link #binding(String, String, String)}).
 */
record LoginSettings(String actionType, String resultKey, String authId, Duration maxSession, Duration idleTimeout,
                     boolean allowCorsPreflight, String binding) {
    /** Browsers refuse a cookie with this prefix unless it is Secure, Path=/ and without Domain (RFC 6265bis). */
    static final String HOST_ONLY_PREFIX = "__Host-";

    /**
     * base64url(SHA-256(action type, issuer or authorize URL, client_id)): a cookie sealed for one provider and client
     * never opens for an action of another, and a session is checked against it again.
     */
    static String binding(String actionType, String providerUrl, String clientId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((actionType + "\n" + providerUrl + "\n" + clientId).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }

    String callbackPath() {
        return "/_burrow/" + authId + "/callback";
    }

    String logoutPath() {
        return "/_burrow/" + authId + "/logout";
    }

    /** {@code __Host-} on HTTPS, so a sibling subdomain cannot set or overwrite it; browsers allow it only there. */
    String sessionCookie(boolean secure) {
        return (secure ? HOST_ONLY_PREFIX : "") + "burrow_" + authId + "_session";
    }

    String loginCookie(boolean secure) {
        return (secure ? HOST_ONLY_PREFIX : "") + "burrow_" + authId + "_login";
    }
}
