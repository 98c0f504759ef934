package dev.burrow.edge.chain;

/**
 * Who the edge proved the visitor of an exchange to be, set by the action that proved it; the upstream learns it from
 * the identity headers the edge signs ({@link IdentityAssertionModule}). Any field but {@code provider} may be null.
 *
 * @param provider what proved it: {@code jwt} (jwt-validation), {@code oidc}, {@code oauth}
 * @param issuer   who vouched for it (the token's {@code iss}, the OpenID provider's issuer URL)
 */
public record VerifiedIdentity(String provider, String subject, String email, String name, String issuer) {
}
