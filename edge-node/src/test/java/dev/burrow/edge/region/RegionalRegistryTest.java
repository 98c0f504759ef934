package dev.burrow.edge.region;

import dev.burrow.edge.registry.Endpoint;
import dev.burrow.edge.registry.EndpointClaim;
import dev.burrow.edge.registry.EndpointRegistry;
import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A hostname this region holds for a tenant is never served from another tenant's endpoint in another region. */
class RegionalRegistryTest {
    /** This region has no endpoints bound (the holding tenant's agent is down here). */
    private static final EndpointRegistry EMPTY = new EndpointRegistry() {
        public Future<Endpoint> bind(EndpointClaim claim) { return Future.failedFuture("not here"); }
        public Future<Endpoint> lookupHostname(String hostname) { return Future.succeededFuture(); }
        public Future<Endpoint> lookupPort(int port) { return Future.succeededFuture(); }
        public Future<Endpoint> lookupId(String endpointId) { return Future.succeededFuture(); }
        public Future<Endpoint> unbind(String endpointId, String sessionId) { return Future.succeededFuture(); }
        public Future<List<Endpoint>> markOffline(String sessionId, long linkEpoch) { return Future.succeededFuture(List.of()); }
        public Future<List<Endpoint>> removeOffline(String sessionId) { return Future.succeededFuture(List.of()); }
        public Future<List<Endpoint>> list() { return Future.succeededFuture(List.of()); }
    };

    /** What the other regions answer: every name is bound there, by the tenant named in the map (null: an older region). */
    private static final List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();

    private static RegionalRegistry registry(Map<String, String> heldHere, Map<String, String> remoteTenant) {
        RegionDirectory directory = new RegionDirectory(host -> {
            asked.add(host);
            return Future.succeededFuture(new RegionRelays.Answer("region:us", "ep-" + host, remoteTenant.get(host)));
        }, System::nanoTime);
        return new RegionalRegistry(EMPTY, directory, host -> Future.succeededFuture(heldHere.get(host)), "example.com");
    }

    @Test
    void aHeldNameIsServedOnlyByTheHoldingTenantsRemoteEndpoint() {
        RegionalRegistry registry = registry(
                Map.of("app.x.example.com", "x", "shop.customer.com", "x", "legacy.x.example.com", "x"),
                Map.of("app.x.example.com", "intruder", "shop.customer.com", "x", "free.example.com", "anyone"));
        assertNull(registry.lookupHostname("app.x.example.com").result(), "another tenant's endpoint must not serve X's name");
        assertNull(registry.lookupHostname("legacy.x.example.com").result(), "an answer without a tenant must not serve a held name");
        Endpoint own = registry.lookupHostname("shop.customer.com").result();
        assertEquals("ep-shop.customer.com", own.id());
        assertEquals("region:us", own.sessionId());
        assertEquals("ep-free.example.com", registry.lookupHostname("free.example.com").result().id(), "unheld names relay as before");
    }

    @Test
    void anEndpointOfAnotherRegionCarriesItsTrafficPolicySoThisRegionAppliesIt() {
        RegionDirectory directory = new RegionDirectory(host -> Future.succeededFuture(
                new RegionRelays.Answer("region:us", "ep-guarded", "x", "on_http_request: []\n")), System::nanoTime);
        RegionalRegistry registry = new RegionalRegistry(EMPTY, directory, host -> Future.succeededFuture(null), "example.com");
        Endpoint remote = registry.lookupHostname("guarded.example.com").result();
        assertEquals("on_http_request: []\n", remote.settings().trafficPolicy());
        assertEquals("tenant:x", remote.ownerKey(), "and its owner, so its tenant's limits apply here too");
    }

    @Test
    void onlyNamesThatCouldBeBoundAreAskedOfOtherRegions() {
        asked.clear();
        RegionalRegistry registry = registry(Map.of("shop.customer.com", "x"), Map.of("shop.customer.com", "x"));
        assertNull(registry.lookupHostname("random.attacker.org").result(), "outside --domain and held by nobody");
        assertNull(registry.lookupHostname("a.b.example.com").result(), "two labels under --domain: not bindable");
        assertEquals(List.of(), asked, "no lookup for names nobody could bind");
        assertEquals("ep-app.example.com", registry.lookupHostname("app.example.com").result().id());
        assertEquals("ep-shop.customer.com", registry.lookupHostname("shop.customer.com").result().id(), "a held custom domain");
        assertEquals(List.of("app.example.com", "shop.customer.com"), asked);
    }

    @Test
    void theDecision() {
        RegionRelays.Answer ofX = new RegionRelays.Answer("region:us", "ep", "x");
        assertTrue(RegionalRegistry.mayServe(null, ofX));
        assertTrue(RegionalRegistry.mayServe("x", ofX));
        assertFalse(RegionalRegistry.mayServe("y", ofX));
        assertFalse(RegionalRegistry.mayServe("x", new RegionRelays.Answer("region:us", "ep")));
        assertTrue(RegionalRegistry.mayServe(null, new RegionRelays.Answer("region:us", "ep")));
        assertFalse(RegionalRegistry.mayServe(null, null));
    }
}
