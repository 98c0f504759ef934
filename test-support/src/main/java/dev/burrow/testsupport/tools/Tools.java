package dev.burrow.testsupport.tools;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the third-party programs the conformance tests drive are, and a skip with a clear message when one is
 * missing: CI installs them all ({@code .ci/setup.d/25-conformance-tools.sh}), so CI always runs these tests.
 */
public final class Tools {

    /** The directory whose {@code node_modules} holds the npm package {@code ws}. */
    public static final String WS_DIR_VARIABLE = "BURROW_WS_DIR";
    private static final String DEFAULT_WS_DIR = "/opt/burrow-ws";
    private static final String INSTALLER = ".ci/setup.d/25-conformance-tools.sh";

    private Tools() {
    }

    /** The absolute path of {@code command} on PATH (or in /usr/sbin, /usr/lib/openssh), or empty. */
    public static java.util.Optional<Path> find(String command) {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin:/sbin:/usr/lib/openssh";
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, command);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return java.util.Optional.of(candidate.toAbsolutePath());
            }
        }
        return java.util.Optional.empty();
    }

    /** Skips the calling test (or class, from {@code @BeforeAll}) unless every command is installed. */
    public static void assumeInstalled(String... commands) {
        for (String command : commands) {
            Assumptions.assumeTrue(find(command).isPresent(),
                    () -> command + " is not installed, so this conformance test is skipped (" + INSTALLER + " installs it)");
        }
    }

    /** The path of {@code command}, or a skip naming it. */
    public static Path require(String command) {
        assumeInstalled(command);
        return find(command).orElseThrow();
    }

    /** {@code node_modules} with the npm package {@code ws}, or a skip naming where it was looked for. */
    public static Path wsNodeModules() {
        assumeInstalled("node");
        Path dir = Path.of(System.getenv().getOrDefault(WS_DIR_VARIABLE, DEFAULT_WS_DIR), "node_modules");
        Assumptions.assumeTrue(Files.isRegularFile(dir.resolve("ws/package.json")),
                () -> "the npm package ws is not in " + dir + " (set " + WS_DIR_VARIABLE + ", or run " + INSTALLER + ")");
        return dir;
    }

    /** Copies the resource {@code name} beside this class into a new temporary directory (the caller deletes it). */
    static Path copyResourceToTempDir(String name) {
        try (InputStream in = Tools.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no resource " + name + " beside " + Tools.class.getName());
            }
            Path dir = Files.createTempDirectory("burrow-tool-");
            Files.copy(in, dir.resolve(name));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
