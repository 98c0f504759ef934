package dev.burrow.agent.service;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code systemctl [--user] …}, or only prints the command in a dry run. */
public final class Systemctl {
    private final boolean user;
    private final boolean dryRun;
    private final PrintStream out;

    public Systemctl(boolean user, boolean dryRun, PrintStream out) {
        this.user = user;
        this.dryRun = dryRun;
        this.out = out;
    }

    /** The exit code (0 in a dry run); systemctl's output goes to {@code out}. */
    public int run(String... args) {
        List<String> command = new ArrayList<>(List.of("systemctl"));
        if (user) {
            command.add("--user");
        }
        command.addAll(List.of(args));
        if (dryRun) {
            out.println("would run: " + String.join(" ", command));
            return 0;
        }
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getInputStream().transferTo(out);
            out.flush();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within 60 s");
            }
            return process.exitValue();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run systemctl (" + e.getMessage() + "); is this a systemd machine? "
                    + "See docs/agent.md for launchd (macOS) and Windows");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command));
        }
    }
}
