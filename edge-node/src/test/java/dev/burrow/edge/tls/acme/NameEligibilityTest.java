package dev.burrow.edge.tls.acme;

import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An internal endpoint's name is never certified, whoever holds it and whatever SNI asks for it. */
class NameEligibilityTest {
    private final NameEligibility eligibility = new NameEligibility(name -> Future.succeededFuture("acme"), null);

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
}
