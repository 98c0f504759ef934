package dev.burrow.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Every {@link ManagedProcess} of this JVM: where their logs go, which ones a test used (for
 * {@link ProcessLogsOnFailure}), and a shutdown hook that kills any still running when the JVM exits.
 */
public final class ProcessRegistry {

    private static final List<ManagedProcess> ALL = new ArrayList<>();
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final Path LOG_DIR;

    static {
        // one directory per test JVM, so that a run never mixes its logs with an earlier one's
        String run = java.time.LocalDateTime.now().format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                + "-pid" + ProcessHandle.current().pid();
        Path dir = Path.of(System.getProperty("burrow.e2e.logDir", "target/e2e-logs"), run);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LOG_DIR = dir.toAbsolutePath();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (ManagedProcess p : all()) {
                if (p.isAlive()) {
                    p.kill();
                }
            }
        }, "burrow-e2e-process-reaper"));
    }

    private ProcessRegistry() {
    }

    static synchronized void register(ManagedProcess p) {
        ALL.add(p);
    }

    static Path newLogFile(String name) {
        return LOG_DIR.resolve(String.format("%03d-%s.log", SEQUENCE.incrementAndGet(), name.replaceAll("[^A-Za-z0-9._-]", "_")));
    }

    public static Path logDir() {
        return LOG_DIR;
    }

    /** Every process started so far by this JVM, oldest first. */
    public static synchronized List<ManagedProcess> all() {
        return new ArrayList<>(ALL);
    }

    /** Processes registered at or after the given position (see {@link #size()}). */
    public static synchronized List<ManagedProcess> since(int position) {
        return new ArrayList<>(ALL.subList(Math.min(position, ALL.size()), ALL.size()));
    }

    public static synchronized int size() {
        return ALL.size();
    }
}
