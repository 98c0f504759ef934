package dev.burrow.policy.actions.login;

import dev.burrow.policy.VisitorIdentity;
import io.vertx.core.Future;

/** The identity provider side of a login: where to send the visitor, and who came back with a code. */
interface LoginProvider {

    /** The provider's authorization URL for this login (authorization-code flow, PKCE with S256). */
    Future<String> authorizeUrl(String redirectUri, String state, String codeChallenge, String nonce);

    /**
     * Exchanges the code (with the PKCE verifier) and learns who logged in; fails when the provider refuses the code,
     * or an OpenID provider's id_token does not carry {@code nonce} or is not for this client.
     */
    Future<VisitorIdentity> identify(String code, String verifier, String redirectUri, String nonce);

    /** Where to end the provider's own session after the edge's logout, or null when it offers no such endpoint. */
    Future<String> logoutUrl(String postLogoutRedirectUri);

    /** Releases what talking to the provider holds, when the policy is replaced or its endpoint goes. */
    default void close() {
    }
}
