package dev.burrow.edge.tls.acme;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** With a DNS hook, names one label under the edge's domain are ordered as one wildcard; every other name as itself. */
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
}
