package dev.burrow.edge.tls.acme;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With a DNS hook, names one label under the edge's domain are ordered as one wildcard, names one label under a
 * tenant's reserved wildcard as that wildcard; every other name as itself.
 */
class OrderNamesTest {
    @Test
    void oneLabelUnderTheDomainIsOrderedAsTheWildcard() {
        OrderNames names = new OrderNames("Example.com", true);
        assertEquals("*.example.com", names.orderFor("web.example.com"));
        assertEquals("a.b.example.com", names.orderFor("a.b.example.com"));
        assertEquals("example.com", names.orderFor("example.com"));
        assertEquals("shop.customer.net", names.orderFor("shop.customer.net"));
        assertEquals("webexample.com", names.orderFor("webexample.com"));
        assertTrue(names.isOperatorWildcard("*.example.com"));
        assertFalse(names.isOperatorWildcard("web.example.com"));
    }

    @Test
    void withoutAHookOrUnderAOneLabelDomainEveryNameIsItsOwn() {
        assertEquals("web.example.com", new OrderNames("example.com", false).orderFor("web.example.com"));
        OrderNames localhost = new OrderNames("localhost", true);
        assertEquals("web.localhost", localhost.orderFor("web.localhost"));
        assertFalse(localhost.isOperatorWildcard("*.localhost"));
    }

    @Test
    void aNameOneLabelUnderItsTenantsReservedWildcardIsOrderedAsThatWildcardForTheTenant() {
        OrderNames names = new OrderNames("example.com", true);
        NameEligibility.Eligible viaWildcard = new NameEligibility.Eligible("team", "*.team.example.com");
        assertEquals(new OrderNames.Order("*.team.example.com", "team"), names.orderFor("web.team.example.com", viaWildcard));
        assertEquals(new OrderNames.Order("a.web.team.example.com", "team"), names.orderFor("a.web.team.example.com", viaWildcard),
                "deeper than one label: the wildcard cannot serve it");
        assertEquals(new OrderNames.Order("*.example.com", OrderNames.OPERATOR), names.orderFor("web.example.com",
                new NameEligibility.Eligible("team", "*.example.com")), "the edge's own wildcard comes first");
        assertEquals(new OrderNames.Order("web.team.example.com", "owner:k"), names.orderFor("web.team.example.com",
                new NameEligibility.Eligible("owner:k", null)), "a name nobody holds by a wildcard is ordered as itself");
        assertEquals(new OrderNames.Order("shop.team.example.com", "team"), new OrderNames("example.com", false)
                .orderFor("shop.team.example.com", viaWildcard), "without a hook there is no DNS-01");
        assertEquals("*.b.c", OrderNames.wildcardOver("a.b.c"));
        assertEquals(null, OrderNames.wildcardOver("a.localhost"));
        assertEquals(null, OrderNames.wildcardOver("*.b.c"));
    }

    @Test
    void theEdgesWildcardNeedsAHookForTheEdgesDomainATenantsWildcardAnyHook() {
        TxtRecordHook corp = (action, record) -> { };
        OrderNames corpOnly = OrderNames.of("example.com", new DnsHooks(null, java.util.Map.of("corp.net", corp)));
        assertEquals("web.example.com", corpOnly.orderFor("web.example.com"), "no hook publishes _acme-challenge.example.com");
        assertEquals(new OrderNames.Order("*.team.corp.net", "team"), corpOnly.orderFor("web.team.corp.net",
                new NameEligibility.Eligible("team", "*.team.corp.net")));
        OrderNames unscoped = OrderNames.of("example.com", new DnsHooks((action, record) -> { }, java.util.Map.of()));
        assertEquals("*.example.com", unscoped.orderFor("web.example.com"));
        assertEquals("web.example.com", OrderNames.of("example.com", DnsHooks.NONE).orderFor("web.example.com"));
    }
}
