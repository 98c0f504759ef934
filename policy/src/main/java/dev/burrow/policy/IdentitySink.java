package dev.burrow.policy;

/**
 * Told who a request-phase action proved the visitor to be ({@code jwt-validation}; the OpenID and OAuth actions):
 * the edge then tells the upstream in headers it signs. Any argument but {@code provider} may be null.
 */
@FunctionalInterface
public interface IdentitySink {
    /** Where no one listens (the offline {@code policy test}). */
    IdentitySink NONE = (provider, subject, email, name, issuer) -> { };

    /**
     * @param provider the action that verified it ({@code jwt}, ...)
     * @param issuer   who vouched for the identity (a token's {@code iss}, an OpenID provider's issuer URL)
     */
    void verified(String provider, String subject, String email, String name, String issuer);
}
