package dev.burrow.agent.service;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How to run this very agent again from a service manager: the installed command (the native launcher of the
 * package or tarball), else the java binary and the jar (or class path).
 */
public final class AgentCommandLine {
    /** Set by the jpackage launcher to its own path; the JVM then runs inside that process, not in bin/java. */
    static final String LAUNCHER_PROPERTY = "jpackage.app-path";

    private AgentCommandLine() {
    }

    /**
     * {@code /opt/burrow/bin/burrow} when run from an installed launcher, else {@code java -jar burrow.jar} or
     * {@code java -cp … dev.burrow.agent.cli.BurrowCli}; absolute paths.
     */
    public static List<String> current(Class<?> mainClass) {
        String launcher = System.getProperty(LAUNCHER_PROPERTY);
        if (launcher != null && Files.isExecutable(Path.of(launcher))) {
            return List.of(Path.of(launcher).toAbsolutePath().normalize().toString());
        }
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
