package dev.burrow.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Builds {@code java -Xmx… -cp <this JVM's class path> Main args…}. */
final class JavaCommand {

    private static String snapshot;

    private JavaCommand() {
    }

    static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * The class path of this JVM (surefire sets {@code java.class.path} to the test class path in its fork), with
     * Burrow's own jars and class directories copied once into a private directory first: a {@code mvn install}
     * running beside the tests replaces those jars, and a JVM that loads classes lazily from a replaced jar dies
     * with NoClassDefFoundError in the middle of a test.
     */
    static synchronized String classPath() {
        if (snapshot == null) {
            snapshot = snapshotOf(System.getProperty("java.class.path"));
        }
        return snapshot;
    }

    private static String snapshotOf(String classPath) {
        try {
            Path dir = Files.createTempDirectory("burrow-e2e-classpath-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> EdgeProcess.deleteRecursively(dir)));
            List<String> out = new ArrayList<>();
            int n = 0;
            for (String entry : classPath.split(File.pathSeparator)) {
                Path p = Path.of(entry);
                boolean ours = p.toString().contains(File.separator + "dev" + File.separator + "burrow" + File.separator)
                        || p.endsWith(Path.of("target", "classes"));
                if (!ours || !Files.exists(p)) {
                    out.add(entry);
                    continue;
                }
                Path copy = dir.resolve(String.format("%02d-%s", n++, p.getFileName()));
                if (Files.isDirectory(p)) {
                    copyTree(p, copy);
                } else {
                    Files.copy(p, copy, StandardCopyOption.COPY_ATTRIBUTES);
                }
                out.add(copy.toString());
            }
            return String.join(File.pathSeparator, out);
        } catch (IOException e) {
            throw new UncheckedIOException("could not snapshot the class path", e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path src : (Iterable<Path>) walk::iterator) {
                Path dst = to.resolve(from.relativize(src).toString());
                if (Files.isDirectory(src)) {
                    Files.createDirectories(dst);
                } else {
                    Files.copy(src, dst, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    /**
     * Flags the build gives every JVM the suite starts ({@code -Dburrow.e2e.childJvmArgs}, whitespace-separated). The
     * test-support build sets {@code -XX:TieredStopAtLevel=1}: an edge or agent reaches "ready" in about half the time
     * with C1 alone (most of its start-up is JIT work), and a test never runs one long enough for C2 to pay back. The
     * scale and bench tools run outside surefire and keep the full JIT.
     */
    static List<String> suiteJvmArgs() {
        String flags = System.getProperty("burrow.e2e.childJvmArgs", "").trim();
        return flags.isEmpty() ? List.of() : List.of(flags.split("\\s+"));
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
        cmd.addAll(suiteJvmArgs());
        cmd.addAll(extraJvmArgs);
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }
}
