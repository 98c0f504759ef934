package dev.burrow.edge.chain;

/**
 * Who the edge authenticated for one exchange (a login action of the endpoint's policy): the provider's name, the
 * visitor's id there, email and name ("" when the provider gave none), and the issuer. Later modules (the upstream's
 * identity headers) read it from {@link Exchange#verifiedIdentity()}.
 */
public record VerifiedIdentity(String provider, String subject, String email, String name, String issuer) {
}
