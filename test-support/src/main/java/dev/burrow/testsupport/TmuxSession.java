package dev.burrow.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A program in a real terminal: a detached tmux session of a fixed size on a tmux server of its own (its own socket),
 * read with {@code tmux capture-pane}. {@link #close()} kills that server and with it the program.
 *
 * <pre>{@code
 * try (TmuxSession tmux = TmuxSession.start(100, 30, TmuxSession.java("dev.burrow.agent.cli.BurrowCli", args))) {
 *     tmux.awaitScreen(s -> s.contains("online"), Duration.ofSeconds(20));
 * }
 * }</pre>
 */
public final class TmuxSession implements AutoCloseable {
    private static final Path TMUX = Path.of("/usr/bin/tmux");
    private final String socket;

    private TmuxSession(String socket) {
        this.socket = socket;
    }

    public static boolean available() {
        return Files.isExecutable(TMUX);
    }

    /** {@code java -cp <test class path> mainClass args…}, as one command for the terminal. */
    public static List<String> java(String mainClass, List<String> args) {
        return JavaCommand.of(256, List.of("-XX:TieredStopAtLevel=1"), mainClass, args);
    }

    public static TmuxSession start(int columns, int rows, List<String> command) {
        TmuxSession session = new TmuxSession("burrow-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        List<String> args = new ArrayList<>(List.of("new-session", "-d", "-x", Integer.toString(columns), "-y", Integer.toString(rows),
                "-s", "main", "-e", "TERM=xterm-256color"));
        args.add(String.join(" ", command.stream().map(TmuxSession::shellQuote).toList()));
        session.tmux(args.toArray(String[]::new));
        return session;
    }

    /** The visible screen, one line per row. */
    public String screen() {
        return tmux("capture-pane", "-p", "-t", "main");
    }

    public String awaitScreen(Predicate<String> condition, Duration timeout) {
        String[] last = {""};
        Await.until(() -> condition.test(last[0] = screen()), timeout, Duration.ofMillis(100),
                () -> "the terminal never showed what was expected; it shows:\n" + last[0]);
        return last[0];
    }

    private String tmux(String... args) {
        List<String> command = new ArrayList<>(List.of(TMUX.toString(), "-L", socket, "-f", "/dev/null"));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("tmux " + String.join(" ", args) + " did not finish");
            }
            if (process.exitValue() != 0) {
                throw new AssertionError("tmux " + String.join(" ", args) + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new AssertionError("cannot run tmux: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static String shellQuote(String arg) {
        return "'" + arg.replace("'", "'\\''") + "'";
    }

    @Override
    public void close() {
        try {
            tmux("kill-server");
        } catch (AssertionError e) {
            // Already gone (the program exited and tmux with it).
        }
    }
}
