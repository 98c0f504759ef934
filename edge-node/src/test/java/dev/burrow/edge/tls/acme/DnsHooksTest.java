package dev.burrow.edge.tls.acme;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** A record goes to the hook of the longest zone that contains it, on label boundaries, else to the unscoped hook. */
class DnsHooksTest {
    private final TxtRecordHook unscoped = (action, record) -> { };
    private final TxtRecordHook corp = (action, record) -> { };
    private final TxtRecordHook eu = (action, record) -> { };

    @Test
    void theLongestZoneWins() {
        DnsHooks hooks = new DnsHooks(unscoped, Map.of("corp.net", corp, "eu.corp.net", eu));
        assertSame(eu, hooks.forRecord("_acme-challenge.eu.corp.net."));
        assertSame(eu, hooks.forRecord("_acme-challenge.shop.eu.corp.net."));
        assertSame(eu, hooks.forRecord("eu.corp.net"));
        assertSame(corp, hooks.forRecord("_acme-challenge.us.corp.net."));
        assertSame(corp, hooks.forRecord("_acme-challenge.corp.net."));
        assertSame(unscoped, hooks.forRecord("_acme-challenge.notcorp.net."), "a zone matches whole labels only");
        assertSame(unscoped, hooks.forRecord("_acme-challenge.example.com."));
    }

    @Test
    void withoutAnUnscopedHookARecordOutsideEveryZoneHasNone() {
        DnsHooks hooks = new DnsHooks(null, Map.of("corp.net", corp));
        assertNull(hooks.forRecord("_acme-challenge.example.com."));
        assertSame(corp, hooks.forRecord("_acme-challenge.web.corp.net."));
        assertFalse(DnsHooks.NONE.any());
    }
}
