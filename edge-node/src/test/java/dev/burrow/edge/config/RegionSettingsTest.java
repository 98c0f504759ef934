package dev.burrow.edge.config;

import dev.burrow.edge.cluster.NodeInfo;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --agent-advertise-address}, {@code --region} and {@code --region-peers}: sources, defaults, bad values. */
class RegionSettingsTest {

    @Test
    void defaultsKeepTodaysBehaviour() {
        EdgeConfig config = ConfigResolver.resolve(Map.of(ConfigKey.BIND_ADDRESS, List.of("127.0.0.5")), Map.of(), null);
        assertEquals("default", config.cluster().region());
        assertEquals("burrow", config.cluster().name());
        assertEquals(List.of(), config.cluster().regionPeers());
        assertNull(config.cluster().agentAdvertiseAddress());
        assertEquals("127.0.0.5:4443", config.cluster().agentAddress(4443), "agents are told advertise-address:tunnel-port");
    }

    @Test
    void agentAdvertiseAddressWithAndWithoutPort() {
        EdgeConfig withPort = ConfigResolver.resolve(Map.of(ConfigKey.AGENT_ADVERTISE_ADDRESS, List.of("edge-1.example.com:443"),
                ConfigKey.ADVERTISE_ADDRESS, List.of("10.0.0.1")), Map.of(), null);
        assertEquals("edge-1.example.com:443", withPort.cluster().agentAddress(4443));
        assertEquals("10.0.0.1", withPort.cluster().advertiseAddress(), "the node-to-node address is unchanged");
        assertEquals("edge-1.example.com", withPort.cluster().agentAdvertiseHost());

        EdgeConfig hostOnly = ConfigResolver.resolve(Map.of(), Map.of("BURROW_AGENT_ADVERTISE_ADDRESS", "nlb.example.com"), null);
        assertEquals("nlb.example.com:4443", hostOnly.cluster().agentAddress(4443), "the tunnel port when no port is given");

        EdgeConfig v6 = ConfigResolver.resolve(Map.of(ConfigKey.AGENT_ADVERTISE_ADDRESS, List.of("[2001:db8::1]:8443")), Map.of(), null);
        assertEquals("[2001:db8::1]:8443", v6.cluster().agentAddress(4443));
    }

    @Test
    void nodeInfoCarriesTheAgentAddress() {
        assertEquals("10.0.0.1:4443", new NodeInfo("m", "n", "10.0.0.1", 4443, 7000).agentAddress());
        assertEquals("pub.example.com:443", new NodeInfo("m", "n", "10.0.0.1", 4443, 7000, "pub.example.com:443").agentAddress());
    }

    @Test
    void regionAndPeersFromYaml(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = dir.resolve("edge.yml");
        Files.writeString(file, "region: eu\nregion-peers: us=10.1.0.5:7000, ap=[2001:db8::2]:7001\n");
        EdgeConfig config = ConfigResolver.resolve(Map.of(), Map.of(), file);
        assertEquals("eu", config.cluster().region());
        assertEquals("burrow-eu", config.cluster().name(), "a region's default cluster name");
        assertEquals(List.of(new RegionPeer("us", "10.1.0.5", 7000), new RegionPeer("ap", "2001:db8::2", 7001)),
                config.cluster().regionPeers());
    }

    @Test
    void badValuesNameTheFlag() {
        assertMessage("--agent-advertise-address: \"edge:99999\" has port 99999; use 1-65535",
                Map.of(ConfigKey.AGENT_ADVERTISE_ADDRESS, List.of("edge:99999")));
        assertMessage("--region \"e u\" is not valid; use 1-64 letters, digits, '.', '_' or '-'",
                Map.of(ConfigKey.REGION, List.of("e u")));
        assertMessage("--region-peers: \"us\" is not REGION=HOST:RELAY_PORT (for example us=10.1.0.5:7000)",
                Map.of(ConfigKey.REGION_PEERS, List.of("us")));
        assertMessage("--region-peers: \"us=10.1.0.5\" has no relay port; write us=HOST:RELAY_PORT",
                Map.of(ConfigKey.REGION_PEERS, List.of("us=10.1.0.5")));
        assertMessage("--region-peers: region \"us\" is listed twice; give one relay address per region",
                Map.of(ConfigKey.REGION_PEERS, List.of("us=a:1,us=b:2")));
        ConfigException own = assertThrows(ConfigException.class, () -> ConfigResolver.resolve(
                Map.of(ConfigKey.REGION, List.of("eu"), ConfigKey.REGION_PEERS, List.of("eu=a:1")), Map.of(), null));
        assertTrue(own.getMessage().startsWith("--region-peers lists this node's own region \"eu\""), own.getMessage());
    }

    private static void assertMessage(String expected, Map<ConfigKey, List<String>> flags) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigResolver.resolve(flags, Map.of(), null));
        assertEquals(expected, e.getMessage());
    }
}
