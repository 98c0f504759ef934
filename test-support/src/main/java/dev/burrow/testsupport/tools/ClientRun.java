package dev.burrow.testsupport.tools;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One run of a client program (curl, wrk, ssh, scp, a node script) to its end: stdout is digested as it streams
 * (a 64 MiB body never sits in memory) and its first {@value #KEPT_STDOUT} bytes kept as text; stderr is kept.
 * A run that outlives its time limit is killed by PID and reported as timed out.
 */
public record ClientRun(List<String> command, int exitCode, boolean timedOut, Duration elapsed, String stdoutSha256,
                        long stdoutBytes, String stdout, String stderr) {

    static final int KEPT_STDOUT = 64 * 1024;
    private static final int KEPT_STDERR = 16 * 1024;

    public static ClientRun run(List<String> command, Duration limit) {
        return run(command, Map.of(), null, limit);
    }

    public static ClientRun run(List<String> command, Map<String, String> environment, Path workDir, Duration limit) {
        return start(command, environment, workDir, limit).await();
    }

    /** Starts the client and returns at once; {@link Running#await()} collects it, {@link Running#kill()} stops it. */
    public static Running start(List<String> command, Duration limit) {
        return start(command, Map.of(), null, limit);
    }

    public static Running start(List<String> command, Map<String, String> environment, Path workDir, Duration limit) {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(environment);
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        try {
            return new Running(List.copyOf(command), pb.start(), limit);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + command, e);
        }
    }

    /** A client that runs: its output is read as it comes. */
    public static final class Running implements AutoCloseable {
        private final List<String> command;
        private final Process process;
        private final Duration limit;
        private final long start = System.nanoTime();
        private final CompletableFuture<Captured> out;
        private final CompletableFuture<byte[]> err;
        /** When the process ended (0 while it runs): a client collected long after its end is timed to its end. */
        private volatile long exitedAt;

        private Running(List<String> command, Process process, Duration limit) {
            this.command = command;
            this.process = process;
            this.limit = limit;
            closeQuietly(process.getOutputStream());
            process.onExit().thenRun(() -> exitedAt = System.nanoTime());
            this.out = readOnOwnThread("stdout", () -> digestAndKeep(process.getInputStream()));
            this.err = readOnOwnThread("stderr", () -> keep(process.getErrorStream(), KEPT_STDERR));
        }

        public long pid() {
            return process.pid();
        }

        /** Waits for the end (killing the client once its time limit, counted from its start, is over). */
        public ClientRun await() {
            try {
                long left = limit.toNanos() - (System.nanoTime() - start);
                boolean finished = process.waitFor(Math.max(0, left), TimeUnit.NANOSECONDS);
                if (!finished) {
                    kill();
                }
                Captured stdout = out.get(10, TimeUnit.SECONDS);
                byte[] stderr = err.get(10, TimeUnit.SECONDS);
                long end = finished && exitedAt != 0 ? exitedAt : System.nanoTime();
                return new ClientRun(command, finished ? process.exitValue() : -1, !finished,
                        Duration.ofNanos(end - start), stdout.sha256(), stdout.bytes(),
                        new String(stdout.head(), StandardCharsets.UTF_8), new String(stderr, StandardCharsets.UTF_8));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill();
                throw new AssertionError("interrupted running " + command, e);
            } catch (Exception e) {
                kill();
                throw new AssertionError("could not collect the output of " + command + ": " + e, e);
            }
        }

        /** Same as {@link #kill()}: a client still running when its owner closes is not wanted any more. */
        @Override
        public void close() {
            kill();
        }

        /** SIGKILL by PID, and waits (bounded) for it to be gone. */
        public void kill() {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A blocking read on a thread of its own: on a shared pool, readers of several clients would wait for each other. */
    private static <T> CompletableFuture<T> readOnOwnThread(String what, java.util.function.Supplier<T> read) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread reader = new Thread(() -> result.complete(read.get()), "client-" + what);
        reader.setDaemon(true);
        reader.start();
        return result;
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // the client does not read stdin
        }
    }

    private record Captured(String sha256, long bytes, byte[] head) {
    }

    private static Captured digestAndKeep(InputStream in) {
        MessageDigest digest = Sha256.newDigest();
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        long count = 0;
        try (in) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                digest.update(buffer, 0, n);
                if (kept.size() < KEPT_STDOUT) {
                    kept.write(buffer, 0, Math.min(n, KEPT_STDOUT - kept.size()));
                }
                count += n;
            }
        } catch (IOException e) {
            // the process was killed; what was read counts
        }
        return new Captured(Sha256.hex(digest), count, kept.toByteArray());
    }

    private static byte[] keep(InputStream in, int limit) {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        byte[] buffer = new byte[8 * 1024];
        try (in) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (kept.size() < limit) {
                    kept.write(buffer, 0, Math.min(n, limit - kept.size()));
                }
            }
        } catch (IOException e) {
            // killed
        }
        return kept.toByteArray();
    }

    /** The command, exit code, time and both outputs (stdout shortened), for an assertion message. */
    public String describe() {
        String shown = stdout.length() > 2000 ? stdout.substring(0, 2000) + "…" : stdout;
        return String.join(" ", command) + "\n  exit " + (timedOut ? "none (killed after the time limit)" : exitCode)
                + " after " + elapsed.toMillis() + " ms, stdout " + stdoutBytes + " bytes sha256 " + stdoutSha256
                + (shown.isBlank() ? "" : "\n  stdout: " + shown.strip()) + "\n  stderr: " + stderr.strip();
    }
}
