package dev.burrow.testsupport;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Any main class of the test class path as its own JVM, with the suite's JVM flags (as the edge and agent run). */
public final class JavaMain {
    private JavaMain() {
    }

    /** Starts {@code java -Xmx<heapMb>m <jvmArgs> -cp <test class path> mainClass args} in {@code dir}. */
    public static ManagedProcess start(String name, int heapMb, List<String> jvmArgs, String mainClass, List<String> args,
                                       Map<String, String> env, Path dir) {
        return new ManagedProcess(name, JavaCommand.of(heapMb, jvmArgs, mainClass, args), env, dir);
    }
}
