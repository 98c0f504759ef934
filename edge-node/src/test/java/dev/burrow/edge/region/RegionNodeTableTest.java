package dev.burrow.edge.region;

import dev.burrow.edge.store.Database;
import dev.burrow.edge.store.StoreSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The region directory table on the real schema (Flyway) in an H2 file: register, refresh, expire, leave. */
class RegionNodeTableTest {
    @TempDir
    Path dir;
    private Database database;

    @AfterEach
    void close() {
        if (database != null) {
            database.close();
        }
    }

    @Test
    void nodesRegisterRefreshExpireAndLeave() {
        database = Database.open(StoreSettings.embedded(), dir);
        RegionNodeTable table = new RegionNodeTable(database.dataSource());
        table.heartbeat("eu", "eu-1", "10.0.0.1", 7000, Map.of(20022, "ep-a", 20023, "ep-b"));
        table.heartbeat("us", "us-1", "10.1.0.1", 7001, Map.of());
        table.heartbeat("eu", "eu-1", "10.0.0.9", 7009, Map.of(20022, "ep-a"));

        List<RegionNodeTable.RegionNode> live = table.live(Duration.ofMinutes(1), Duration.ofHours(1));
        assertEquals(2, live.size(), live.toString());
        RegionNodeTable.RegionNode eu = live.get(0);
        assertEquals("eu", eu.region());
        assertEquals("10.0.0.9", eu.relayHost(), "a refresh replaces the address");
        assertEquals(7009, eu.relayPort());
        assertEquals(Map.of(20022, "ep-a"), eu.tcpPorts());
        assertTrue(eu.age().compareTo(Duration.ofMinutes(1)) < 0, eu.age().toString());
        assertEquals(List.of("127.0.0.1"), RegionDiscovery.addressesByRegion(List.of(
                new RegionNodeTable.RegionNode("us", "n", "127.0.0.1", 1, Map.of(), Duration.ZERO))).get("us").stream()
                .map(dev.burrow.edge.config.HostPort::host).toList());

        assertEquals(List.of(), table.live(Duration.ofMillis(-1), Duration.ofHours(1)), "nothing is fresher than a negative TTL");
        assertEquals(2, table.live(Duration.ofMinutes(1), Duration.ofHours(1)).size(), "expired rows are kept until forgotten");
        table.live(Duration.ofMinutes(1), Duration.ofMillis(-1));
        assertEquals(List.of(), table.live(Duration.ofMinutes(1), Duration.ofHours(1)), "forgotten rows are deleted");

        table.heartbeat("eu", "eu-1", "10.0.0.1", 7000, Map.of());
        table.remove("eu", "eu-1");
        assertEquals(List.of(), table.live(Duration.ofMinutes(1), Duration.ofHours(1)), "a node that leaves is gone at once");
    }

    @Test
    void portsRoundTripAndUnknownItemsAreSkipped() {
        assertEquals("20022=ep-a,20100=ep-b", RegionNodeTable.encodePorts(Map.of(20100, "ep-b", 20022, "ep-a")));
        assertEquals(Map.of(20022, "ep-a"), RegionNodeTable.decodePorts("20022=ep-a,x=y,novalue"));
        assertEquals(Map.of(), RegionNodeTable.decodePorts(""));
    }
}
