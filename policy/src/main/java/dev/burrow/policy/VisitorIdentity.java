package dev.burrow.policy;

/**
 * Who an action proved the visitor of this exchange to be, the one way every such action reports it
 * ({@code jwt-validation}, {@code openid-connect}, {@code oauth}; {@link PolicyExchange#visitorIdentity()}): what
 * proved it ({@code jwt}, {@code oidc}, or the OAuth provider's name), the visitor's stable id there ({@code sub}; null
 * for a token without one), and the email and name it gave ("" when it gave none). {@code issuer} is who vouched for
 * it: the token's {@code iss}, the OpenID issuer, or the OAuth provider's authorize URL's origin.
 */
public record VisitorIdentity(String provider, String subject, String email, String name, String issuer) {
    public VisitorIdentity {
        email = email == null ? "" : email;
        name = name == null ? "" : name;
    }
}
