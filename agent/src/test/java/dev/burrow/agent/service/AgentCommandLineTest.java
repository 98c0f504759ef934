package dev.burrow.agent.service;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AgentCommandLineTest {
    @AfterEach
    void forgetTheLauncher() {
        System.clearProperty(AgentCommandLine.LAUNCHER_PROPERTY);
    }

    @Test
    void anInstalledLauncherIsTheWholeCommandNotJavaDashJar(@TempDir Path dir) throws Exception {
        Path launcher = Files.createDirectories(dir.resolve("opt/burrow/bin")).resolve("burrow");
        Files.writeString(launcher, "#!/bin/sh\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        System.setProperty(AgentCommandLine.LAUNCHER_PROPERTY, launcher.toString());

        assertEquals(List.of(launcher.toString()), AgentCommandLine.current(AgentCommandLineTest.class));
    }

    @Test
    void withoutALauncherTheCommandRunsThisJvmsJava(@TempDir Path dir) {
        System.setProperty(AgentCommandLine.LAUNCHER_PROPERTY, dir.resolve("missing").toString());

        List<String> command = AgentCommandLine.current(AgentCommandLineTest.class);

        assertEquals(ProcessHandle.current().info().command().orElseThrow(), command.get(0));
        assertEquals(AgentCommandLineTest.class.getName(), command.get(command.size() - 1));
    }
}
