package dev.burrow.policy.fetch;

import dev.burrow.policy.engine.CidrRange;

import java.util.List;

/** The operator's opt-in a test needs when its JWKS or identity provider listens on loopback. */
public final class TestGuards {
    public static final FetchAddressGuard LOOPBACK_ALLOWED =
            FetchAddressGuard.allowing(List.of(CidrRange.parse("127.0.0.0/8"), CidrRange.parse("::1/128")));

    private TestGuards() {
    }
}
