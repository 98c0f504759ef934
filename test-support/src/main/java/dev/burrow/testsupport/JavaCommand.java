package dev.burrow.testsupport;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builds {@code java -Xmx… -cp <this JVM's class path> Main args…}. */
final class JavaCommand {

    private JavaCommand() {
    }

    static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * The class path of this JVM. Surefire sets {@code java.class.path} to the test class path in its fork (its
     * manifest-only booter jar would work too: the JVM follows a jar's Class-Path manifest entry).
     */
    static String classPath() {
        return System.getProperty("java.class.path");
    }

    static List<String> of(int heapMb, List<String> extraJvmArgs, String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExecutable());
        cmd.add("-Xmx" + heapMb + "m");
        // An OutOfMemoryError must end the process, so that "still alive afterwards" proves the heap held.
        cmd.add("-XX:+ExitOnOutOfMemoryError");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-Xss512k");
        cmd.add("--add-opens");
        cmd.add("java.base/java.lang=ALL-UNNAMED");
        cmd.add("--add-opens");
        cmd.add("java.base/sun.nio.ch=ALL-UNNAMED");
        cmd.add("-Djava.net.preferIPv4Stack=true");
        cmd.addAll(extraJvmArgs);
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }
}
