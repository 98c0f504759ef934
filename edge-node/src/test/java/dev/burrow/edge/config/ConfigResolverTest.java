package dev.burrow.edge.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigResolverTest {

    @TempDir
    Path dir;

    @Test
    void noSourcesGiveTheDefaults() {
        EdgeConfig config = ConfigResolver.resolve(Map.of(), Map.of(), null);
        assertEquals(8080, config.httpPort());
        assertEquals(4443, config.tunnelPort());
        assertEquals("localhost", config.domain());
        assertEquals(new PortRange(20000, 20999), config.tcpPorts());
        assertEquals(Path.of("burrow-data"), config.dataDir());
        assertEquals("0.0.0.0", config.bindAddress());
        assertEquals(Duration.ofSeconds(10), config.heartbeatInterval());
        assertEquals(Duration.ofSeconds(60), config.offlineGrace());
        assertTrue(config.authtokens().isEmpty());
    }

    @Test
    void flagsBeatEnvironmentWhichBeatsTheFileWhichBeatsDefaults() throws Exception {
        Path file = dir.resolve("edge.yml");
        Files.writeString(file, "http-port: 1111\ntunnel-port: 2222\ndomain: file.example\noffline-grace: 5s\n"
                + "authtoken:\n  - from-file-1\n  - from-file-2\n");
        Map<String, String> env = Map.of("BURROW_HTTP_PORT", "3333", "BURROW_TUNNEL_PORT", "4444");
        Map<ConfigKey, List<String>> flags = Map.of(ConfigKey.HTTP_PORT, List.of("5555"));

        EdgeConfig config = ConfigResolver.resolve(flags, env, file);

        assertEquals(5555, config.httpPort(), "flag wins");
        assertEquals(4444, config.tunnelPort(), "environment beats the file");
        assertEquals("file.example", config.domain(), "file beats the default");
        assertEquals(Duration.ofSeconds(5), config.offlineGrace());
        assertEquals(List.of("from-file-1", "from-file-2"), config.authtokens());
        assertEquals(new PortRange(20000, 20999), config.tcpPorts(), "default where nothing is set");
    }

    @Test
    void configFileCanComeFromTheEnvironment() throws Exception {
        Path file = dir.resolve("edge.yml");
        Files.writeString(file, "domain: Tunnels.Example.COM.\n");
        EdgeConfig config = ConfigResolver.resolve(Map.of(), Map.of("BURROW_CONFIG", file.toString()), null);
        assertEquals("tunnels.example.com", config.domain(), "normalized");
    }

    @Test
    void environmentAuthtokensAreCommaSeparated() {
        EdgeConfig config = ConfigResolver.resolve(Map.of(), Map.of("BURROW_AUTHTOKEN", "one, two"), null);
        assertEquals(List.of("one", "two"), config.authtokens());
    }

    @Test
    void eventLoopsDefaultToOnePerCoreAndCanBePinned() {
        EdgeConfig defaults = ConfigResolver.resolve(Map.of(), Map.of(), null);
        assertEquals(0, defaults.eventLoops());
        assertEquals(Math.max(1, Runtime.getRuntime().availableProcessors() / 2), defaults.effectiveEventLoops());
        assertEquals(1, EdgeConfig.defaultEventLoops(1));
        assertEquals(1, EdgeConfig.defaultEventLoops(2));
        assertEquals(4, EdgeConfig.defaultEventLoops(8));
        EdgeConfig pinned = ConfigResolver.resolve(Map.of(), Map.of("BURROW_EVENT_LOOPS", "1"), null);
        assertEquals(1, pinned.effectiveEventLoops());
        ConfigException error = assertThrows(ConfigException.class, () ->
                ConfigResolver.resolve(Map.of(ConfigKey.EVENT_LOOPS, List.of("-3")), Map.of(), null).validate());
        assertTrue(error.getMessage().startsWith("--event-loops must be between 1 and 1024"), error.getMessage());
    }

    @Test
    void badPortRangeIsOneClearSentenceNamingTheFlag() {
        ConfigException error = assertThrows(ConfigException.class, () ->
                ConfigResolver.resolve(Map.of(ConfigKey.TCP_PORTS, List.of("20999-20000")), Map.of(), null));
        assertEquals("--tcp-ports: port range 20999-20000 is invalid; expected 1 <= LOW <= HIGH <= 65535", error.getMessage());

        error = assertThrows(ConfigException.class, () ->
                ConfigResolver.resolve(Map.of(), Map.of("BURROW_TCP_PORTS", "lots"), null));
        assertEquals("BURROW_TCP_PORTS: \"lots\" is not a port range; expected LOW-HIGH, for example 20000-20999", error.getMessage());
    }

    @Test
    void badValuesNameTheirSource() throws Exception {
        Path file = dir.resolve("edge.yml");
        Files.writeString(file, "http-port: 70000\n");
        ConfigException error = assertThrows(ConfigException.class, () -> ConfigResolver.resolve(Map.of(), Map.of(), file));
        assertEquals("http-port in " + file + ": 70000 is not a port; use 1-65535, or 0 to pick a free port", error.getMessage());

        error = assertThrows(ConfigException.class, () ->
                ConfigResolver.resolve(Map.of(ConfigKey.HEARTBEAT_INTERVAL, List.of("soon")), Map.of(), null));
        assertEquals("--heartbeat-interval: \"soon\" is not a duration; write it like 500ms, 10s, 2m or 1h", error.getMessage());
    }

    @Test
    void unknownYamlKeysAndMissingFilesAreRefused() throws Exception {
        Path file = dir.resolve("edge.yml");
        Files.writeString(file, "http_port: 80\n");
        ConfigException error = assertThrows(ConfigException.class, () -> ConfigResolver.resolve(Map.of(), Map.of(), file));
        assertTrue(error.getMessage().startsWith("unknown key \"http_port\" in " + file), error.getMessage());

        Path missing = dir.resolve("missing.yml");
        error = assertThrows(ConfigException.class, () -> ConfigResolver.resolve(Map.of(), Map.of(), missing));
        assertEquals("--config: config file " + missing.toAbsolutePath() + " does not exist", error.getMessage());
    }

    @Test
    void crossFieldChecks() {
        ConfigException error = assertThrows(ConfigException.class, () -> ConfigResolver.resolve(
                Map.of(ConfigKey.HTTP_PORT, List.of("9000"), ConfigKey.TUNNEL_PORT, List.of("9000")), Map.of(), null));
        assertEquals("--http-port and --tunnel-port are both 9000; give them different ports", error.getMessage());

        error = assertThrows(ConfigException.class, () -> ConfigResolver.resolve(
                Map.of(ConfigKey.HTTP_PORT, List.of("20005")), Map.of(), null));
        assertEquals("--tcp-ports 20000-20999 contains the --http-port 20005; move one of them", error.getMessage());

        error = assertThrows(ConfigException.class, () -> ConfigResolver.resolve(
                Map.of(ConfigKey.DOMAIN, List.of("bad_domain!")), Map.of(), null));
        assertEquals("--domain \"bad_domain!\" is not a valid DNS name (letters, digits, '-' and '.')", error.getMessage());
    }

    @Test
    void portZeroIsAllowed() {
        EdgeConfig config = ConfigResolver.resolve(
                Map.of(ConfigKey.HTTP_PORT, List.of("0"), ConfigKey.TUNNEL_PORT, List.of("0")), Map.of(), null);
        assertEquals(0, config.httpPort());
        assertEquals(0, config.tunnelPort());
    }

    @Test
    void toStringHidesTokens() {
        EdgeConfig config = EdgeConfig.defaults().withAuthtokens(List.of("super-secret-token"));
        assertTrue(!config.toString().contains("super-secret-token"));
    }
}
