package dev.burrow.edge.region;

import dev.burrow.edge.store.Database;
import dev.burrow.edge.store.StoreSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The region directory tables on the real schema (Flyway) in an H2 file: register, refresh, expire, leave; the TCP
 * ports of a region in their own table, written as changes only, thousands of them without harm to the heartbeat.
 * With {@code BURROW_TEST_DB_URL} (e.g. {@code jdbc:postgresql://127.0.0.1:5432/burrow?user=burrow}) the same tests run
 * on that database instead, whose directory tables they empty first.
 */
class RegionNodeTableTest {
    private static final Duration TTL = Duration.ofMinutes(1);
    private static final Duration FORGET = Duration.ofHours(1);

    @TempDir
    Path dir;
    private Database database;

    private Database open() {
        String url = System.getenv("BURROW_TEST_DB_URL");
        if (url == null || url.isBlank()) {
            return Database.open(StoreSettings.embedded(), dir);
        }
        Database external = Database.open(new StoreSettings(url, null, null), dir);
        try (var connection = external.dataSource().getConnection(); var statement = connection.createStatement()) {
            statement.executeUpdate("DELETE FROM region_tcp_ports");
            statement.executeUpdate("DELETE FROM region_nodes");
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
        return external;
    }

    @AfterEach
    void close() {
        if (database != null) {
            database.close();
        }
    }

    @Test
    void nodesRegisterRefreshExpireAndLeave() {
        database = open();
        RegionNodeTable eu1 = new RegionNodeTable(database.dataSource());
        RegionNodeTable us1 = new RegionNodeTable(database.dataSource());
        eu1.heartbeat("eu", "eu-1", "10.0.0.1", 7000, Map.of(20022, port("ep-a", "t1"), 20023, port("ep-b", "t2")));
        us1.heartbeat("us", "us-1", "10.1.0.1", 7001, Map.of());
        eu1.heartbeat("eu", "eu-1", "10.0.0.9", 7009, Map.of(20022, port("ep-a", "t1")));

        List<RegionNodeTable.RegionNode> live = eu1.live(TTL, FORGET);
        assertEquals(2, live.size(), live.toString());
        RegionNodeTable.RegionNode eu = live.get(0);
        assertEquals("eu", eu.region());
        assertEquals("10.0.0.9", eu.relayHost(), "a refresh replaces the address");
        assertEquals(7009, eu.relayPort());
        assertEquals(Map.of(20022, port("ep-a", "t1")), eu.tcpPorts(), "the removed port is gone, the tenant kept");
        assertTrue(eu.age().compareTo(TTL) < 0, eu.age().toString());
        assertEquals(Map.of(), us1.live("eu", TTL, FORGET).get(0).tcpPorts(), "a node does not read its own region's ports");
        assertEquals(List.of("127.0.0.1"), RegionDiscovery.addressesByRegion(List.of(
                new RegionNodeTable.RegionNode("us", "n", "127.0.0.1", 1, Map.of(), Duration.ZERO))).get("us").stream()
                .map(dev.burrow.edge.config.HostPort::host).toList());

        assertEquals(List.of(), eu1.live(Duration.ofMillis(-1), FORGET), "nothing is fresher than a negative TTL");
        assertEquals(2, eu1.live(TTL, FORGET).size(), "expired rows are kept until forgotten");
        eu1.live(TTL, Duration.ofMillis(-1));
        assertEquals(List.of(), eu1.live(TTL, FORGET), "forgotten rows are deleted");
        assertEquals(0, portRows(), "with their ports");

        eu1.heartbeat("eu", "eu-1", "10.0.0.1", 7000, Map.of(20022, port("ep-a", "t1")));
        assertEquals(1, eu1.lastPortRowsWritten(), "a forgotten node writes its ports again");
        eu1.remove("eu", "eu-1");
        assertEquals(List.of(), eu1.live(TTL, FORGET), "a node that leaves is gone at once");
        assertEquals(0, portRows(), "with its ports");
    }

    @Test
    void thousandsOfPortsAreWrittenOnceAndTheHeartbeatStaysSmall() {
        database = open();
        RegionNodeTable us1 = new RegionNodeTable(database.dataSource());
        RegionNodeTable reader = new RegionNodeTable(database.dataSource());
        Map<Integer, PublishedPort> ports = new HashMap<>();
        for (int port = 20_000; port < 25_000; port++) {
            ports.put(port, port("ep-" + port, "tenant-" + (port % 7)));
        }
        long t0 = System.nanoTime();
        us1.heartbeat("us", "us-1", "10.1.0.1", 7001, ports);
        long firstMillis = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(5_000, us1.lastPortRowsWritten());

        t0 = System.nanoTime();
        us1.heartbeat("us", "us-1", "10.1.0.1", 7001, ports);
        long againMillis = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(0, us1.lastPortRowsWritten(), "unchanged ports cost the heartbeat nothing");

        ports.remove(20_000);
        ports.put(20_001, port("ep-new", "tenant-1"));
        ports.put(30_000, port("ep-far", "tenant-2"));
        us1.heartbeat("us", "us-1", "10.1.0.1", 7001, ports);
        assertEquals(3, us1.lastPortRowsWritten(), "one removed, one changed, one added");

        List<RegionNodeTable.RegionNode> live = reader.live("eu", TTL, FORGET);
        assertEquals(1, live.size());
        assertEquals(ports, live.get(0).tcpPorts());
        System.out.printf("region_tcp_ports: 5000 ports written in %d ms, an unchanged heartbeat in %d ms%n", firstMillis, againMillis);
    }

    @Test
    void theNodesOfARegionMayDisagreeAndOneOfThemIsRead() {
        database = open();
        RegionNodeTable us2 = new RegionNodeTable(database.dataSource());
        RegionNodeTable us1 = new RegionNodeTable(database.dataSource());
        us2.heartbeat("us", "us-2", "10.1.0.2", 7001, Map.of(20022, port("ep-new", "t1")));
        us1.heartbeat("us", "us-1", "10.1.0.1", 7001, Map.of(20022, port("ep-old", "t1")));
        us2.heartbeat("us", "us-2", "10.1.0.2", 7001, Map.of(20022, port("ep-new", "t1")));

        List<RegionNodeTable.RegionNode> live = new RegionNodeTable(database.dataSource()).live("eu", TTL, FORGET);
        assertEquals(Map.of(20022, port("ep-old", "t1")), live.get(0).tcpPorts(), "the smallest node id, not the freshest");
        assertEquals(Map.of(), live.get(1).tcpPorts());
        assertEquals("us-2", RegionNodeTable.portSource(List.of(
                new RegionNodeTable.RegionNode("us", "us-1", "h", 1, Map.of(), Duration.ofSeconds(14)),
                new RegionNodeTable.RegionNode("us", "us-2", "h", 1, Map.of(), Duration.ofSeconds(1)))).nodeId(),
                "a node silent for longer than three refreshes is not read while another is fresh");
    }

    private int portRows() {
        try (var connection = database.dataSource().getConnection();
             var rows = connection.createStatement().executeQuery("SELECT COUNT(*) FROM region_tcp_ports")) {
            rows.next();
            return rows.getInt(1);
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static PublishedPort port(String endpointId, String tenantId) {
        return new PublishedPort(endpointId, tenantId);
    }
}
