package dev.burrow.edge.tls.acme;

import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An internal endpoint's name is never certified, whoever holds it and whatever SNI asks for it. */
class NameEligibilityTest {
    private final NameEligibility eligibility = new NameEligibility(new NameEligibility.Holders() {
        @Override
        public Future<NameEligibility.Eligible> holderOf(String hostname) {
            return Future.succeededFuture(new NameEligibility.Eligible("acme", hostname.endsWith(".team.example.com") ? "*.team.example.com" : null));
        }

        @Override
        public Future<String> wildcardHolder(String base) {
            return Future.succeededFuture(wildcardHolderInCopy(base));
        }

        @Override
        public String wildcardHolderInCopy(String base) {
            return base.equals("team.example.com") ? "acme" : null;
        }
    }, null);

    @Test
    void anInternalNameIsNeverOrderedAPublicHeldNameIs() {
        for (String sni : new String[] {"api.internal", "API.Internal.", "api.internal:443"}) {
            Future<String> tenant = eligibility.tenantOf(sni);
            assertTrue(tenant.succeeded(), sni + " is answered at once, not failed or pending");
            assertNull(tenant.result(), sni);
        }
        Future<String> held = eligibility.tenantOf("app.example.com");
        assertTrue(held.succeeded());
        assertEquals("acme", held.result());
    }

    @Test
    void aWildcardSniIsNeverOrderedANameUnderAReservedWildcardNamesIt() {
        assertNull(eligibility.of("*.team.example.com").result(), "a client cannot ask for a wildcard");
        assertEquals(new NameEligibility.Eligible("acme", "*.team.example.com"), eligibility.of("web.team.example.com").result());
        assertEquals("acme", eligibility.wildcardHolder("*.team.example.com").result());
        assertNull(eligibility.wildcardHolder("*.other.example.com").result(), "a wildcard nobody reserves is not renewed");
        assertNull(eligibility.wildcardHolder("web.team.example.com").result());
        assertEquals("acme", eligibility.wildcardHolderInCopy("*.team.example.com"));
        assertNull(eligibility.wildcardHolderInCopy("*.other.example.com"));
    }
}
