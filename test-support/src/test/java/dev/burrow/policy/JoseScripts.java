package dev.burrow.policy;

import dev.burrow.testsupport.tools.ClientRun;
import dev.burrow.testsupport.tools.Tools;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The node scripts of the identity tests, which use npm {@code jose} (installed by {@code .ci/setup.d/10-oidc.sh} into
 * {@code /opt/burrow-oidc}, or {@code $BURROW_OIDC_PROVIDER_DIR}): where it is, and each test resource copied out to run.
 */
final class JoseScripts {
    private JoseScripts() {
    }

    /** Skips the calling test class when node or jose is missing. */
    static void assumeInstalled() {
        Tools.assumeInstalled("node");
        Assumptions.assumeTrue(Files.isDirectory(modules().resolve("jose")),
                "npm jose is not installed in " + modules() + " (.ci/setup.d/10-oidc.sh installs it)");
    }

    static Path modules() {
        String configured = System.getenv("BURROW_OIDC_PROVIDER_DIR");
        return Path.of(configured != null && !configured.isBlank() ? configured : "/opt/burrow-oidc").resolve("node_modules");
    }

    /** The test resource {@code name} copied into {@code dir}. */
    static Path resource(Path dir, String name) throws IOException {
        Path target = dir.resolve(name);
        try (InputStream in = JoseScripts.class.getResourceAsStream("/" + name)) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    /** Runs the script resource {@code script} with {@code args} in {@code dir}, jose on its module path. */
    static ClientRun run(Path dir, Duration limit, String script, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Tools.require("node").toString(), resource(dir, script).toString()));
        command.addAll(args);
        return ClientRun.run(command, Map.of("NODE_PATH", modules().toString()), dir, limit);
    }
}
