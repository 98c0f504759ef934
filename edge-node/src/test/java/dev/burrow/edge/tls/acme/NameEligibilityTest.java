package dev.burrow.edge.tls.acme;

import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** An internal endpoint's name is never certified, whoever holds it and whatever SNI asks for it. */
class NameEligibilityTest {
    private final NameEligibility eligibility = new NameEligibility(name -> Future.succeededFuture("acme"), null);

    @Test
    void anInternalNameIsNeverOrderedAPublicHeldNameIs() {
        for (String sni : new String[] {"api.internal", "API.Internal.", "api.internal:443"}) {
            assertNull(eligibility.tenantOf(sni).result(), sni);
        }
        assertEquals("acme", eligibility.tenantOf("app.example.com").result());
    }
}
