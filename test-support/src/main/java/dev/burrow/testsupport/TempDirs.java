package dev.burrow.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removing the temporary directories tests and harness processes create. */
public final class TempDirs {
    private TempDirs() {
    }

    /** Deletes {@code dir} and everything below it; a null or missing directory is fine, a file left behind is harmless. */
    public static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // a temp dir left behind is harmless
                }
            });
        } catch (IOException ignored) {
            // same
        }
    }
}
