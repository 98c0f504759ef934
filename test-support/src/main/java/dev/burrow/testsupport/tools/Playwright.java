package dev.burrow.testsupport.tools;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Headless Chromium driven by npm playwright-core (installed globally) for the browser tests: Debian's
 * {@code /usr/bin/chromium}, which resolves every {@code *.localhost} name to loopback by itself. Skips the test with
 * what to install where either is missing ({@code .ci/setup.d/20-browser.sh} installs both).
 */
public final class Playwright {
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private Playwright() {
    }

    /** The global playwright-core package directory (its parent goes in NODE_PATH), or a skip. */
    public static Path coreModule() throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM),
                "skipped: " + CHROMIUM + " is missing (apt-get install chromium, or run .ci/setup.d/20-browser.sh)");
        String root;
        try {
            Process npm = new ProcessBuilder("npm", "root", "-g").redirectErrorStream(false).start();
            root = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            npm.waitFor(30, TimeUnit.SECONDS);
        } catch (IOException e) {
            Assumptions.abort("skipped: node/npm are missing (run .ci/setup.d/20-browser.sh)");
            return null;
        }
        Path module = Path.of(root, "playwright-core");
        Assumptions.assumeTrue(Files.isDirectory(module),
                "skipped: playwright-core is not installed globally (npm install -g playwright-core, or run .ci/setup.d/20-browser.sh)");
        return module;
    }
}
