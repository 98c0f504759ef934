package dev.burrow.e2e;

import dev.burrow.testsupport.FreePorts;
import dev.burrow.testsupport.ManagedProcess;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.TempDirs;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a person starting the edge sees: the packaged jar started as the README says ({@code java -jar burrow-edge.jar}),
 * its first screen (the lines up to "Edge node ready", which must fit a terminal without scrolling) holds where it
 * listens, the authtoken, the CA, where the admin token is and "ready"; no Hazelcast logo, no Flyway or JPMS lines.
 * Needs the jar of {@code mvn package} (which {@code mvn verify} builds before this module's tests).
 */
@ExtendWith(ProcessLogsOnFailure.class)
class EdgeFirstScreenE2ETest {
    private static final int SCREEN_LINES = 15;
    private static final Path JAR = Path.of("..", "edge-node", "target", "burrow-edge.jar").toAbsolutePath().normalize();

    @Test
    void theFirstScreenShowsListenersTokenCaAdminTokenAndReadyAndNoLibraryBanner() throws Exception {
        Assumptions.assumeTrue(Files.isRegularFile(JAR), "no " + JAR + ": run mvn package (mvn verify does) before this test");
        Path dataDir = Files.createTempDirectory("burrow-first-screen-");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Xmx256m", "-jar", JAR.toString(),
                "--http-port", "0", "--https-port", "0", "--tunnel-port", "0", "--ops-port", "0", "--relay-port", "0",
                "--cluster-port", Integer.toString(FreePorts.freeRange(1).low()), "--bind-address", "127.0.0.1",
                "--tcp-ports", FreePorts.freeRange(4).flag(), "--data-dir", dataDir.resolve("data").toString());
        try (ManagedProcess edge = new ManagedProcess("edge-first-screen", command, Map.of("HOME", dataDir.toString()), dataDir) {
        }) {
            edge.awaitLine(line -> line.text().equals("Edge node ready"), Duration.ofSeconds(90), "Edge node ready");
            List<String> lines = edge.output().stream().map(ManagedProcess.OutputLine::text).toList();
            List<String> screen = lines.subList(0, lines.indexOf("Edge node ready") + 1);
            String shown = String.join("\n", screen);
            assertTrue(screen.size() <= SCREEN_LINES, "the first screen is " + screen.size() + " lines:\n" + shown);
            for (String expected : new String[]{"Public HTTP listening on 127.0.0.1:", "Agent link (TLS) listening on 127.0.0.1:",
                    "Authtoken: ", "Dev CA certificate: " + dataDir.resolve("data/ca.pem"), "Admin token: "}) {
                assertEquals(1, screen.stream().filter(line -> line.startsWith(expected)).count(), expected + " in\n" + shown);
            }
            assertTrue(shown.contains("(saved in " + dataDir.resolve("data/admin-token") + ")"), shown);
            for (String noise : new String[]{"o---o", "Hazelcast", "Flyway", "flyway", "Migrating schema", "HikariPool",
                    "--add-opens", "WARNING", "WARN"}) {
                assertTrue(!shown.contains(noise), "\"" + noise + "\" on the first screen:\n" + shown);
            }
        } finally {
            TempDirs.deleteRecursively(dataDir);
        }
    }
}
