package dev.burrow.edge.region;

import dev.burrow.edge.cluster.RelayPool;
import dev.burrow.edge.cluster.RelaySecret;
import dev.burrow.edge.config.HostPort;
import dev.burrow.edge.config.RegionPeer;
import dev.burrow.edge.pki.DevPki;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Which relay address this node dials for each other region as the directory changes: a new region is dialed, a region
 * whose link stays down moves on to its next address, a region gone from the directory is dropped, and a region of
 * {@code --region-peers} keeps its static address. The addresses are closed loopback ports, so no link comes up.
 */
class RegionRelaysTest {
    @TempDir
    Path dir;
    private Vertx vertx;
    private RegionRelays relays;

    @AfterEach
    void close() {
        if (relays != null) {
            relays.close();
        }
        if (vertx != null) {
            vertx.close().await();
        }
    }

    @Test
    void theDirectoryDecidesWhereEachRegionIsDialed() throws Exception {
        DevPki.ensure(dir, "localhost");
        vertx = Vertx.vertx();
        RelayPool pool = new RelayPool(vertx, dir.resolve(DevPki.CA_CERT), RelaySecret.fromCaKey(dir.resolve(DevPki.CA_KEY)),
                "node-test", Duration.ofSeconds(1));
        HostPort staticAp = new HostPort("127.0.0.1", closedPort());
        relays = new RegionRelays(vertx, pool, "eu", List.of(new RegionPeer("ap", staticAp.host(), staticAp.port())));
        HostPort us1 = new HostPort("127.0.0.1", closedPort());
        HostPort us2 = new HostPort("127.0.0.1", closedPort());
        Map<String, List<HostPort>> directory = Map.of("us", List.of(us1, us2), "ap", List.of(us1));

        relays.update(directory);
        assertEquals(us1.host() + ":" + us1.port(), relays.addressOf("us"), "a new region: its first address");
        assertEquals(staticAp.host() + ":" + staticAp.port(), relays.addressOf("ap"), "--region-peers wins over the directory");
        relays.update(directory);
        assertEquals(us1.host() + ":" + us1.port(), relays.addressOf("us"), "one refresh without a link: still trying");
        relays.update(directory);
        assertEquals(us2.host() + ":" + us2.port(), relays.addressOf("us"), "two refreshes without a link: the next address");
        relays.update(directory);
        relays.update(directory);
        assertEquals(us1.host() + ":" + us1.port(), relays.addressOf("us"), "and round again");
        assertFalse(relays.isReady("us"));

        relays.update(Map.of());
        assertNull(relays.addressOf("us"), "a region gone from the directory is dropped");
        assertEquals(staticAp.host() + ":" + staticAp.port(), relays.addressOf("ap"), "a static region stays");
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
