package dev.burrow.edge.link;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.burrow.edge.cluster.HazelcastSetup;
import dev.burrow.edge.config.ClusterSettings;
import dev.burrow.edge.config.PortRange;
import dev.burrow.edge.registry.Endpoint;
import dev.burrow.edge.registry.HazelcastEndpointRegistry;
import dev.burrow.edge.tenancy.BindPolicy;
import dev.burrow.edge.tenancy.Principal;
import dev.burrow.edge.tenancy.ReservedNames;
import dev.burrow.edge.tenancy.TenantStore;
import dev.burrow.protocol.ControlMessage;
import dev.burrow.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TCP binds next to other regions (review2 H2 and the doc claims): a random port never takes a port another region
 * serves; an explicit port another region serves for another tenant is refused with PORT_UNAVAILABLE; the same tenant
 * may bind it. A real registry and reservations on one embedded Hazelcast member; listeners are recorded, not bound.
 */
class EndpointBinderRegionsTest {
    private static final PortRange RANGE = new PortRange(21000, 21003);
    private static Vertx vertx;
    private static HazelcastInstance hazelcast;
    private static EndpointBinder binder;
    /** Ports 21000-21002 are served in region us: 21000 and 21001 for tenant "b", 21002 for the default tenant. */
    private static final Map<Integer, String> SERVED_ELSEWHERE = Map.of(21000, "b", 21001, "b", 21002, "default");

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        ClusterSettings cluster = ClusterSettings.defaults().withName("binder-test-" + UUID.randomUUID().toString().substring(0, 8));
        hazelcast = Hazelcast.newHazelcastInstance(HazelcastSetup.config(
                new ClusterSettings(cluster.port(), List.of(), cluster.name(), "127.0.0.1", 0, null, null)));
        HazelcastEndpointRegistry registry = new HazelcastEndpointRegistry(vertx, hazelcast, "member-a", "a");
        ReservedNames names = new ReservedNames(vertx, hazelcast, new TenantStore(vertx, hazelcast), "localhost");
        PortListeners recorded = new PortListeners() {
            @Override
            public Future<Void> open(Endpoint endpoint) {
                return Future.succeededFuture();
            }

            @Override
            public Future<Void> close(String endpointId) {
                return Future.succeededFuture();
            }
        };
        binder = new EndpointBinder(registry, recorded, "localhost", RANGE, () -> 80,
                new BindPolicy(names, registry::countOwnedBy, "localhost"));
        binder.otherRegions(SERVED_ELSEWHERE::get);
    }

    @AfterAll
    static void stop() throws Exception {
        hazelcast.shutdown();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aRandomPortAvoidsThePortsOtherRegionsServe() throws Exception {
        for (int i = 0; i < 3; i++) {
            ControlMessage.BindResult result = bind("s-random-" + i, Principal.configured("owner-random-" + i), 0);
            if (i == 0) {
                assertTrue(result.ok(), result.toString());
                assertEquals("tcp://localhost:21003", result.publicUrl(), "the only port no region serves");
            } else {
                assertFalse(result.ok(), "21003 is taken and the rest is served elsewhere: " + result);
                assertEquals(ErrorCode.PORT_UNAVAILABLE, result.errorCode());
            }
        }
    }

    @Test
    void anExplicitPortServedElsewhereIsRefusedToAnotherTenantOnly() throws Exception {
        ControlMessage.BindResult refused = bind("s-a", managed("a"), 21000);
        assertFalse(refused.ok(), refused.toString());
        assertEquals(ErrorCode.PORT_UNAVAILABLE, refused.errorCode());
        assertTrue(refused.message().contains("21000") && refused.message().contains("another region"), refused.message());

        ControlMessage.BindResult same = bind("s-b", managed("b"), 21001);
        assertTrue(same.ok(), "the tenant that serves it elsewhere may bind it here too: " + same);
        ControlMessage.BindResult defaultTenant = bind("s-default", Principal.configured("dev-token"), 21002);
        assertTrue(defaultTenant.ok(), defaultTenant.toString());
    }

    private static Principal managed(String tenant) {
        return new Principal(tenant, "tok-" + tenant, "key-" + tenant, Principal.TENANT_OWNER_PREFIX + tenant, List.of(), null);
    }

    private static ControlMessage.BindResult bind(String session, Principal principal, int port) throws Exception {
        return binder.bind(session, principal, 1, new ControlMessage.Bind(1, "tcp", null, null, port, "127.0.0.1:1", Map.of()))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
