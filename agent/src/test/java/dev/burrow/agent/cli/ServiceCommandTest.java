package dev.burrow.agent.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code burrow service}: writes into a temporary unit directory and never calls the real systemctl (--dry-run). */
class ServiceCommandTest {

    @Test
    void installWritesAUnitThatRunsStartAllAndSystemdAccepts(@TempDir Path dir) throws Exception {
        Path config = ConfigFileTest.write(dir, "my config.yml", "agent:\n  authtoken: t\nendpoints:\n  - name: web\n    upstream: 3000\n");
        Path units = dir.resolve("units");
        ConfigFileTest.Result result = ConfigFileTest.run("service", "install", "--config", config.toString(),
                "--unit-dir", units.toString(), "--user", "--dry-run");
        assertEquals(0, result.code(), result.err());
        Path unit = units.resolve("burrow.service");
        assertTrue(result.out().contains("Wrote " + unit), result.out());
        assertTrue(result.out().contains("would run: systemctl --user daemon-reload"), result.out());
        assertTrue(result.out().contains("would run: systemctl --user enable burrow.service"), result.out());

        String text = Files.readString(unit);
        List<String> lines = text.lines().toList();
        assertTrue(lines.contains("Wants=network-online.target"), text);
        assertTrue(lines.contains("After=network-online.target"), text);
        assertTrue(lines.contains("Restart=on-failure"), text);
        assertTrue(lines.contains("WantedBy=default.target"), text);
        String exec = lines.stream().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();
        assertTrue(exec.contains(" start --all --log stdout --config \"" + config.toAbsolutePath() + "\""), exec);
        assertTrue(exec.contains("dev.burrow.agent.cli.BurrowCli") || exec.contains("-jar"), exec);

        ConfigFileTest.Result removed = ConfigFileTest.run("service", "uninstall", "--unit-dir", units.toString(), "--user", "--dry-run");
        assertEquals(0, removed.code(), removed.err());
        assertTrue(removed.out().contains("would run: systemctl --user disable --now burrow.service"), removed.out());
        assertFalse(Files.exists(unit));
    }

    @Test
    void systemdAnalyzeVerifyAcceptsTheUnit(@TempDir Path dir) throws Exception {
        Path config = ConfigFileTest.write(dir, "burrow.yml", "agent:\n  authtoken: t\nendpoints:\n  - name: web\n    upstream: 3000\n");
        Path units = dir.resolve("units");
        boolean root = "root".equals(System.getProperty("user.name"));
        List<String> args = new java.util.ArrayList<>(List.of("service", "install", "--config", config.toString(),
                "--unit-dir", units.toString(), "--dry-run"));
        if (root) {
            args.addAll(List.of("--run-as", "daemon"));
        }
        ConfigFileTest.Result result = ConfigFileTest.run(args.toArray(String[]::new));
        assertEquals(0, result.code(), result.err());
        if (root) {
            assertTrue(Files.readString(units.resolve("burrow.service")).contains("\nUser=daemon\n"));
            assertTrue(Files.readString(units.resolve("burrow.service")).contains("\nWantedBy=multi-user.target\n"));
        }
        systemdAnalyzeVerify(units.resolve("burrow.service"));
    }

    @Test
    void installRefusesABadConfigOrOneWithoutEndpoints(@TempDir Path dir) throws Exception {
        Path bad = ConfigFileTest.write(dir, "bad.yml", "agent:\n  linkz: 2\n");
        ConfigFileTest.Result result = ConfigFileTest.run("service", "install", "--config", bad.toString(), "--unit-dir", dir.toString(), "--dry-run");
        assertEquals(2, result.code());
        assertTrue(result.err().startsWith("ERROR: " + bad + ":2: unknown key \"linkz\""), result.err());
        Path empty = ConfigFileTest.write(dir, "empty.yml", "agent:\n  authtoken: t\n");
        result = ConfigFileTest.run("service", "install", "--config", empty.toString(), "--unit-dir", dir.toString(), "--dry-run");
        assertEquals(2, result.code());
        assertTrue(result.err().contains("defines no endpoints"), result.err());
        assertFalse(Files.exists(dir.resolve("burrow.service")));
    }

    @Test
    void controlActionsRunSystemctl() {
        ConfigFileTest.Result status = ConfigFileTest.run("service", "status", "--user", "--dry-run");
        assertEquals("would run: systemctl --user status burrow.service", status.out().strip());
        ConfigFileTest.Result bogus = ConfigFileTest.run("service", "reboot", "--dry-run");
        assertEquals(2, bogus.code());
        assertTrue(bogus.err().contains("unknown action \"reboot\""), bogus.err());
    }

    private static void systemdAnalyzeVerify(Path unit) throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        Assumptions.assumeTrue(Files.isExecutable(analyze), "systemd-analyze is not installed: the unit's syntax is not verified");
        Process process = new ProcessBuilder(analyze.toString(), "verify", "--man=no", unit.toString())
                .redirectErrorStream(true).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "systemd-analyze verify did not finish");
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        // Without systemd as PID 1 (containers) it still parses the unit; only lines about this unit count.
        List<String> complaints = output.lines().filter(l -> l.contains(unit.getFileName().toString())).toList();
        assertTrue(complaints.isEmpty(), "systemd-analyze verify complained:\n" + output);
    }
}
