package dev.burrow.agent.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code --region} picks the first-contact addresses from {@code agent.regions}; {@code --server} still wins. */
class RegionSelectionTest {
    private static final String CONFIG = """
            version: 1
            agent:
              authtoken: secret-1
              server_addr: default-edge:4443
              region: eu
              regions:
                eu: [eu-1:4443, eu-2:4443]
                us: {us-lb}
            """.replace("{us-lb}", "us-lb.example.com:443");

    @Test
    void theRegionPicksItsAddresses(@TempDir Path dir) throws Exception {
        ConfigFile file = ConfigFile.load(List.of(ConfigFileTest.write(dir, "burrow.yml", CONFIG)), true);
        assertEquals(List.of("eu", "us"), file.regionNames());

        CommonOptions fromFile = new CommonOptions();
        assertEquals(List.of("eu-1:4443", "eu-2:4443"), fromFile.resolve(Map.of(), file).servers(), "agent.region: eu");

        CommonOptions flag = new CommonOptions();
        flag.region = "us";
        assertEquals(List.of("us-lb.example.com:443"), flag.resolve(Map.of(), file).servers(), "--region beats agent.region");
        assertEquals(List.of("us-lb.example.com:443"), new CommonOptions().resolve(Map.of("BURROW_REGION", "us"), file).servers());

        CommonOptions server = new CommonOptions();
        server.region = "us";
        server.server = "explicit:4443";
        assertEquals(List.of("explicit:4443"), server.resolve(Map.of(), file).servers(), "--server wins over a region");
    }

    @Test
    void anUnknownRegionNamesTheListedOnes(@TempDir Path dir) throws Exception {
        ConfigFile file = ConfigFile.load(List.of(ConfigFileTest.write(dir, "burrow.yml", CONFIG)), true);
        CommonOptions options = new CommonOptions();
        options.region = "ap";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> options.resolve(Map.of(), file));
        assertEquals("region \"ap\" is not listed under agent.regions in the config file (listed: eu, us); add it there, "
                + "or pass --server with that region's address", e.getMessage());
    }

    @Test
    void aBadRegionsEntryIsReportedWithItsLine(@TempDir Path dir) throws Exception {
        Path path = ConfigFileTest.write(dir, "burrow.yml", "version: 1\nagent:\n  regions:\n    eu: not-an-address\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigFile.load(List.of(path), true));
        assertTrue(e.getMessage().contains("agent.regions.eu"), e.getMessage());
        assertTrue(e.getMessage().contains(":4"), e.getMessage());
    }
}
