package dev.burrow.edge.region;

import dev.burrow.edge.config.PortRange;
import dev.burrow.edge.link.PortListeners;
import dev.burrow.edge.registry.Endpoint;
import dev.burrow.edge.registry.EndpointProtocol;
import dev.burrow.edge.registry.EndpointState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which TCP ports of other regions this node listens on as the directory changes (listeners recorded, not bound):
 * ports in range and not bound here are opened, a port bound here wins, a port that moves to another endpoint is
 * closed before it is opened again, and a port no longer listed is closed.
 */
class RemoteTcpPortsTest {
    private final Vertx vertx = Vertx.vertx();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final Set<Integer> boundHere = new CopyOnWriteArraySet<>();
    private final PortListeners recorder = new PortListeners() {
        @Override
        public Future<Void> open(Endpoint endpoint) {
            calls.add("open " + endpoint.id() + " " + endpoint.port());
            return Future.succeededFuture();
        }

        @Override
        public Future<Void> close(String endpointId) {
            calls.add("close " + endpointId);
            return Future.succeededFuture();
        }
    };
    private final RemoteTcpPorts ports = new RemoteTcpPorts(vertx, recorder, new PortRange(20000, 20010), () -> boundHere);

    @AfterEach
    void close() {
        vertx.close().await();
    }

    @Test
    void theDirectoryDecidesWhichPortsAreRelayedAndThisRegionWins() throws Exception {
        ports.update(List.of(node("us", Map.of(20001, "ep-a", 30000, "ep-far")), node("eu", Map.of())));
        awaitCalls(List.of("open ep-a 20001"));
        assertEquals("region:us", ports.endpointOn(20001).sessionId());
        assertTrue(ports.isTakenElsewhere(20001));
        assertFalse(ports.isTakenElsewhere(30000), "outside --tcp-ports");

        ports.update(List.of(node("us", Map.of(20001, "ep-b"))));
        awaitCalls(List.of("open ep-a 20001", "close ep-a", "open ep-b 20001"));

        ports.localFirst(recorder).open(new Endpoint("local-1", EndpointProtocol.TCP, null, 20001, "s", null,
                EndpointState.ONLINE)).await();
        awaitCalls(List.of("open ep-a 20001", "close ep-a", "open ep-b 20001", "close ep-b", "open local-1 20001"));
        assertNull(ports.endpointOn(20001), "a port bound in this region is given back first");

        boundHere.add(20001);
        ports.update(List.of(node("us", Map.of(20001, "ep-b", 20002, "ep-c"))));
        awaitCalls(List.of("open ep-a 20001", "close ep-a", "open ep-b 20001", "close ep-b", "open local-1 20001",
                "open ep-c 20002"));
        assertNull(ports.endpointOn(20001), "not relayed while bound here");

        ports.update(List.of());
        awaitCalls(List.of("open ep-a 20001", "close ep-a", "open ep-b 20001", "close ep-b", "open local-1 20001",
                "open ep-c 20002", "close ep-c"));
        assertEquals(0, ports.size());
    }

    private static RegionNodeTable.RegionNode node(String region, Map<Integer, String> tcpPorts) {
        return new RegionNodeTable.RegionNode(region, region + "-1", "127.0.0.1", 7000, tcpPorts, Duration.ZERO);
    }

    private void awaitCalls(List<String> expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!calls.equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(expected, calls);
    }
}
