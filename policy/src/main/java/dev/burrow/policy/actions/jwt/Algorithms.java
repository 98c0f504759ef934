package dev.burrow.policy.actions.jwt;

import java.util.List;

/** The JWS algorithms {@code jwt-validation} may allow: only public-key ones, since keys come from JWKS URLs. */
public final class Algorithms {
    public static final List<String> SUPPORTED = List.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
            "ES256", "ES384", "ES512", "EdDSA");

    private Algorithms() {
    }
}
