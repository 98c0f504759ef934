package dev.burrow.agent.service;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** How to run this very agent again from a service manager: the java binary and the jar (or class path). */
public final class AgentCommandLine {
    private AgentCommandLine() {
    }

    /** {@code java -jar burrow.jar} or {@code java -cp … dev.burrow.agent.cli.BurrowCli}, absolute paths. */
    public static List<String> current(Class<?> mainClass) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>();
        command.add(java);
        Path location;
        try {
            location = Path.of(mainClass.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
        } catch (URISyntaxException | NullPointerException e) {
            location = null;
        }
        if (location != null && Files.isRegularFile(location) && location.toString().endsWith(".jar")) {
            command.add("-jar");
            command.add(location.toString());
        } else {
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(mainClass.getName());
        }
        return command;
    }
}
