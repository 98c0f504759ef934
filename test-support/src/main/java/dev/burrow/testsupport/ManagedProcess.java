package dev.burrow.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A child process whose stdout and stderr are read line by line into memory and into a log file, so that a test
 * can wait for a line, assert on the output, and show the tail of the log when it fails.
 *
 * <p>Every instance registers itself with {@link ProcessRegistry}: {@link ProcessLogsOnFailure} prints the tails of
 * the processes a failed test used, and a shutdown hook kills any that a crashed test left running.
 */
public class ManagedProcess implements AutoCloseable {

    /** One line of output and the stream it came from. */
    public record OutputLine(Stream stream, String text) {
        @Override
        public String toString() {
            return (stream == Stream.STDERR ? "[err] " : "[out] ") + text;
        }
    }

    public enum Stream { STDOUT, STDERR }

    private final String name;
    private final List<String> command;
    private final Path logFile;
    private final List<OutputLine> lines = new ArrayList<>();
    private final Writer log;
    private final Process process;
    private final long startNanos = System.nanoTime();
    private final Thread stdoutReader;
    private final Thread stderrReader;

    /**
     * Starts the command. Variables named {@code BURROW_*} are removed from the inherited environment (so the
     * developer's own settings cannot leak into a test) and then {@code environment} is applied.
     */
    protected ManagedProcess(String name, List<String> command, Map<String, String> environment, Path workDir) {
        this.name = name;
        this.command = List.copyOf(command);
        this.logFile = ProcessRegistry.newLogFile(name);
        try {
            this.log = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8);
            log.write("$ " + String.join(" ", abbreviatedCommand()) + System.lineSeparator());
            log.flush();
            // stdin stays an open pipe for the life of the process: a CLI that reads stdin never sees EOF
            ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile());
            // the developer's own settings must not leak into the processes under test
            pb.environment().keySet().removeIf(k -> k.startsWith("BURROW_") || k.equals("XDG_CONFIG_HOME"));
            pb.environment().putAll(environment);
            this.process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name + ": " + command, e);
        }
        stdoutReader = reader(process.getInputStream(), Stream.STDOUT);
        stderrReader = reader(process.getErrorStream(), Stream.STDERR);
        ProcessRegistry.register(this);
    }

    private Thread reader(InputStream in, Stream stream) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    append(new OutputLine(stream, line));
                }
            } catch (IOException ignored) {
                // the process went away; what we read so far is kept
            }
        }, name + "-" + stream.name().toLowerCase());
        t.setDaemon(true);
        t.start();
        return t;
    }

    private void append(OutputLine line) {
        synchronized (lines) {
            lines.add(line);
            lines.notifyAll();
        }
        synchronized (log) {
            try {
                log.write(String.format("[+%8.3fs] %s%n", (System.nanoTime() - startNanos) / 1e9, line));
                log.flush();
            } catch (IOException ignored) {
                // the log is a diagnosis aid; the in-memory copy is what tests assert on
            }
        }
    }

    public String name() {
        return name;
    }

    public Path logFile() {
        return logFile;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** All output so far, both streams, in arrival order. */
    public List<OutputLine> output() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    public List<String> stdoutLines() {
        return output().stream().filter(l -> l.stream() == Stream.STDOUT).map(OutputLine::text).toList();
    }

    public List<String> stderrLines() {
        return output().stream().filter(l -> l.stream() == Stream.STDERR).map(OutputLine::text).toList();
    }

    /** All output as one string, both streams, one line per line. */
    public String outputText() {
        StringBuilder sb = new StringBuilder();
        for (OutputLine l : output()) {
            sb.append(l.text()).append('\n');
        }
        return sb.toString();
    }

    /**
     * Waits until a line of output (either stream), at index {@code fromIndex} or later, matches; returns it.
     * Fails fast with the output so far if the process exits first or the time runs out.
     */
    public OutputLine awaitLine(Predicate<OutputLine> matcher, int fromIndex, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            int next = fromIndex;
            while (true) {
                for (; next < lines.size(); next++) {
                    if (matcher.test(lines.get(next))) {
                        return lines.get(next);
                    }
                }
                if (!process.isAlive() && readersDone()) {
                    // drain whatever the readers appended after the exit, then give up
                    if (next >= lines.size()) {
                        throw new AssertionError(name + " exited (code " + process.exitValue() + ") before "
                                + what + "\n" + tail(40));
                    }
                    continue;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError(name + ": no " + what + " within " + timeout + "\n" + tail(40));
                }
                try {
                    lines.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 100)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted waiting for " + what, e);
                }
            }
        }
    }

    public OutputLine awaitLine(Predicate<OutputLine> matcher, Duration timeout, String what) {
        return awaitLine(matcher, 0, timeout, what);
    }

    /** Waits for a stdout or stderr line matching the pattern (find, not full match) and returns the match. */
    public Matcher awaitMatch(Pattern pattern, int fromIndex, Duration timeout) {
        OutputLine line = awaitLine(l -> pattern.matcher(l.text()).find(), fromIndex, timeout,
                "line matching /" + pattern + "/");
        Matcher m = pattern.matcher(line.text());
        if (!m.find()) {
            throw new IllegalStateException("unreachable");
        }
        return m;
    }

    public Matcher awaitMatch(Pattern pattern, Duration timeout) {
        return awaitMatch(pattern, 0, timeout);
    }

    /** Number of output lines so far; pass it to {@code awaitLine(..., fromIndex, ...)} to wait for newer lines. */
    public int outputSize() {
        synchronized (lines) {
            return lines.size();
        }
    }

    public Optional<OutputLine> findLine(Predicate<OutputLine> matcher) {
        return output().stream().filter(matcher).findFirst();
    }

    /** Waits for the process to exit and for its output to be read completely; returns the exit code. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " still running after " + timeout + "\n" + tail(40));
            }
            stdoutReader.join(5_000);
            stderrReader.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + name + " to exit", e);
        }
        return process.exitValue();
    }

    /** Exit code, or empty while running. */
    public Optional<Integer> exitCode() {
        return process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
    }

    private boolean readersDone() {
        return !stdoutReader.isAlive() && !stderrReader.isAlive();
    }

    /** SIGKILL: no shutdown hooks, no goodbye on any socket. Waits until the process is gone. */
    public void kill() {
        process.destroyForcibly();
        awaitGone(Duration.ofSeconds(10));
    }

    /** SIGTERM without waiting (a drain the caller watches); {@link #awaitExit} or {@link #stop} waits. */
    public void terminate() {
        process.destroy();
    }

    /** SIGTERM, then SIGKILL if it has not exited within the grace period. */
    public void stop(Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        awaitGone(Duration.ofSeconds(10));
    }

    private void awaitGone(Duration timeout) {
        try {
            process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            stdoutReader.join(2_000);
            stderrReader.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the process (SIGTERM, SIGKILL after 5 s) and closes its log. Safe to call twice. */
    @Override
    public void close() {
        stop(Duration.ofSeconds(5));
        synchronized (log) {
            try {
                log.write("-- " + name + " ended" + exitCode().map(c -> " with exit code " + c).orElse("")
                        + System.lineSeparator());
                log.flush();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    /** The last {@code n} lines of output, with a header naming the process and its log file. */
    public String tail(int n) {
        List<OutputLine> all = output();
        StringBuilder sb = new StringBuilder();
        sb.append("---- ").append(name).append(" (pid ").append(process.pid()).append(", ")
                .append(process.isAlive() ? "running" : "exit code " + process.exitValue())
                .append(", full log ").append(logFile).append("), last ").append(Math.min(n, all.size()))
                .append(" of ").append(all.size()).append(" lines ----\n");
        for (OutputLine l : all.subList(Math.max(0, all.size() - n), all.size())) {
            sb.append(l).append('\n');
        }
        return sb.toString();
    }

    /** The command line with the (long) class path shortened, for logs. */
    public List<String> abbreviatedCommand() {
        List<String> out = new ArrayList<>(command);
        for (int i = 0; i < out.size() - 1; i++) {
            if (out.get(i).equals("-cp")) {
                out.set(i + 1, "<" + out.get(i + 1).split(java.io.File.pathSeparator).length + " class path entries>");
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return name + "(pid " + process.pid() + ")";
    }
}
