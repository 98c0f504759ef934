package dev.burrow.policy;

/**
 * Who a login action ({@code openid-connect}, {@code oauth}) authenticated for this exchange: the provider's name,
 * the visitor's stable id there ({@code sub}), and the email and name it gave ("" when it gave none). {@code issuer}
 * is the OpenID issuer, or the OAuth provider's authorize URL's origin.
 */
public record VisitorIdentity(String provider, String subject, String email, String name, String issuer) {
    public VisitorIdentity {
        email = email == null ? "" : email;
        name = name == null ? "" : name;
    }
}
