package dev.burrow.edge.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** --http-head-timeout, --http-idle-timeout, --http-max-header-fields, --tcp-keepalive: defaults, the three sources, refusals. */
class PublicHttpLimitsTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        PublicHttpLimits limits = ConfigResolver.resolve(Map.of(), Map.of(), null).httpLimits();
        assertEquals(new PublicHttpLimits(Duration.ofSeconds(15), Duration.ofSeconds(60), 100, Duration.ofSeconds(60)), limits);
    }

    @Test
    void flagsEnvironmentAndYamlAllSetThem(@TempDir Path dir) throws IOException {
        Path yaml = Files.writeString(dir.resolve("edge.yml"), "http-idle-timeout: 2m\ntcp-keepalive: 0\n");
        PublicHttpLimits limits = ConfigResolver.resolve(Map.of(ConfigKey.HTTP_HEAD_TIMEOUT, List.of("5s")),
                Map.of("BURROW_HTTP_MAX_HEADER_FIELDS", "40"), yaml).httpLimits();
        assertEquals(new PublicHttpLimits(Duration.ofSeconds(5), Duration.ofMinutes(2), 40, Duration.ZERO), limits);
    }

    @Test
    void anOutOfRangeValueIsOneSentenceNamingTheFlag() {
        assertEquals("--http-head-timeout must be longer than 0, such as 15s", assertThrows(ConfigException.class,
                () -> ConfigResolver.resolve(Map.of(ConfigKey.HTTP_HEAD_TIMEOUT, List.of("0s")), Map.of(), null)).getMessage());
        assertEquals("--http-max-header-fields must be 1-10000, not 0", assertThrows(ConfigException.class,
                () -> ConfigResolver.resolve(Map.of(ConfigKey.HTTP_MAX_HEADER_FIELDS, List.of("0")), Map.of(), null)).getMessage());
        assertEquals("--http-idle-timeout: \"soon\" is not a duration; write it like 500ms, 10s, 2m or 1h", assertThrows(ConfigException.class,
                () -> ConfigResolver.resolve(Map.of(ConfigKey.HTTP_IDLE_TIMEOUT, List.of("soon")), Map.of(), null)).getMessage());
    }
}
