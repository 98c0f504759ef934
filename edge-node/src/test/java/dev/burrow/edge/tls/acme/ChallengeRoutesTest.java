package dev.burrow.edge.tls.acme;

import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operator's hooks publish only in the operator's zones: a wildcard there is validated at its own
 * {@code _acme-challenge}; a name elsewhere over DNS-01 only when its {@code _acme-challenge} is a CNAME to its record
 * in the delegation zone, else over the configured challenge (a plain name) or not at all (a wildcard).
 */
class ChallengeRoutesTest {
    private static final String ZONE = "acme.example.com";
    private final TxtRecordHook unscoped = (action, record) -> { };
    private final TxtRecordHook corp = (action, record) -> { };
    private final DnsHooks hooks = new DnsHooks(unscoped, Map.of("corp.net", corp));
    private final List<String> lookedUp = new ArrayList<>();

    private ChallengeRoutes routes(String delegationZone, Map<String, String> cnames) {
        Function<String, Future<String>> lookup = name -> {
            lookedUp.add(name);
            return name.startsWith("_acme-challenge.broken.") ? Future.failedFuture(new IllegalStateException("lookup timed out"))
                    : Future.succeededFuture(cnames.get(name));
        };
        return new ChallengeRoutes("example.com", hooks, delegationZone, lookup);
    }

    @Test
    void aWildcardInTheOperatorsZonesIsValidatedAtItsOwnRecordThroughTheHookOfThatRecord() {
        ChallengeRoutes routes = routes(ZONE, Map.of());
        assertEquals(new ChallengeRoutes.Route(unscoped, "_acme-challenge.example.com."), routes.of("*.example.com").result());
        assertEquals(new ChallengeRoutes.Route(unscoped, "_acme-challenge.team.example.com."), routes.of("*.team.example.com").result());
        assertEquals(new ChallengeRoutes.Route(corp, "_acme-challenge.eu.corp.net."), routes.of("*.eu.corp.net").result());
        assertSame(ChallengeRoutes.Route.AS_CONFIGURED, routes.of("web.a.example.com").result());
        assertSame(ChallengeRoutes.Route.AS_CONFIGURED, routes.of("app.corp.net").result());
        assertEquals(List.of(), lookedUp, "the operator's own names need no lookup");
    }

    @Test
    void aCustomDomainUsesDns01OnlyWhenItsChallengeIsDelegatedByCname() {
        ChallengeRoutes routes = routes(ZONE, Map.of(
                "_acme-challenge.shop.customer.com", "shop.customer.com." + ZONE,
                "_acme-challenge.cdn.customer.com", "shop.customer.com.cdn-provider.net",
                "_acme-challenge.typo.customer.com", "typo.customer.org." + ZONE));
        assertEquals(new ChallengeRoutes.Route(unscoped, "shop.customer.com." + ZONE + "."), routes.of("shop.customer.com").result());
        assertSame(ChallengeRoutes.Route.AS_CONFIGURED, routes.of("bare.customer.com").result(), "no CNAME: HTTP-01 or TLS-ALPN-01");
        assertSame(ChallengeRoutes.Route.AS_CONFIGURED, routes.of("cdn.customer.com").result(), "a CNAME elsewhere is not ours");
        Throwable typo = routes.of("typo.customer.com").cause();
        assertTrue(typo.getMessage().contains("_acme-challenge.typo.customer.com points by CNAME at typo.customer.org." + ZONE
                + ", not at typo.customer.com." + ZONE), typo.getMessage());
        assertEquals("lookup timed out", routes.of("broken.customer.com").cause().getMessage(), "a failed lookup fails the order");
    }

    @Test
    void aWildcardOutsideTheOperatorsZonesIsDelegatedOrHasNoRoute() {
        ChallengeRoutes routes = routes(ZONE, Map.of("_acme-challenge.cdn.customer.com", "cdn.customer.com." + ZONE));
        assertEquals(new ChallengeRoutes.Route(unscoped, "cdn.customer.com." + ZONE + "."), routes.of("*.cdn.customer.com").result());
        Throwable none = routes.of("*.apps.customer.com").cause();
        assertInstanceOf(ChallengeRoutes.NoRoute.class, none);
        assertEquals("apps.customer.com is in no zone the DNS hooks publish in (example.com, corp.net, " + ZONE
                + ") and _acme-challenge.apps.customer.com is not a CNAME to apps.customer.com." + ZONE, none.getMessage());
    }

    @Test
    void withoutADelegationZoneNothingIsLookedUp() {
        ChallengeRoutes routes = routes(null, Map.of());
        assertSame(ChallengeRoutes.Route.AS_CONFIGURED, routes.of("shop.customer.com").result());
        assertInstanceOf(ChallengeRoutes.NoRoute.class, routes.of("*.apps.customer.com").cause());
        assertEquals(List.of(), lookedUp);
    }

    @Test
    void theDelegatedRecordIsPublishedByTheHookOfTheDelegationZone() {
        TxtRecordHook delegation = (action, record) -> { };
        ChallengeRoutes routes = new ChallengeRoutes("example.com", new DnsHooks(unscoped, Map.of(ZONE, delegation)), ZONE,
                name -> Future.succeededFuture("shop.customer.com." + ZONE));
        assertSame(delegation, routes.of("shop.customer.com").result().hook());
    }
}
