package dev.burrow.policy.actions.login;

import java.time.Duration;

/**
 * What both login actions share from their config: {@code authId} names their cookies and paths (so two login actions
 * in one policy do not meet), {@code resultKey} is where later rules read the identity ({@code actions.ngrok.oidc}).
 */
record LoginSettings(String actionType, String resultKey, String authId, Duration maxSession, Duration idleTimeout,
                     boolean allowCorsPreflight) {

    String callbackPath() {
        return "/_burrow/" + authId + "/callback";
    }

    String logoutPath() {
        return "/_burrow/" + authId + "/logout";
    }

    String sessionCookie() {
        return "burrow_" + authId + "_session";
    }

    String loginCookie() {
        return "burrow_" + authId + "_login";
    }
}
