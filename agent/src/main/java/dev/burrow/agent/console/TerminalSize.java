package dev.burrow.agent.console;

import java.io.File;
import java.util.concurrent.TimeUnit;

/** The terminal's size from {@code stty size} on /dev/tty (checked every few seconds), else $COLUMNS/$LINES, else 80×24. */
public final class TerminalSize {
    private static final long RECHECK_NANOS = TimeUnit.SECONDS.toNanos(3);
    private volatile int columns = 80;
    private volatile int rows = 24;
    private long checkedAt = Long.MIN_VALUE / 2;

    public TerminalSize(java.util.Map<String, String> env) {
        columns = parse(env.get("COLUMNS"), 80);
        rows = parse(env.get("LINES"), 24);
    }

    public int columns() {
        refresh();
        return columns;
    }

    public int rows() {
        refresh();
        return rows;
    }

    private synchronized void refresh() {
        long now = System.nanoTime();
        if (now - checkedAt < RECHECK_NANOS) {
            return;
        }
        checkedAt = now;
        if (!new File("/dev/tty").exists()) {
            return;
        }
        try {
            Process stty = new ProcessBuilder("stty", "size").redirectInput(new File("/dev/tty"))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String[] size = new String(stty.getInputStream().readAllBytes()).trim().split("\\s+");
            if (stty.waitFor(1, TimeUnit.SECONDS) && stty.exitValue() == 0 && size.length == 2) {
                rows = Integer.parseInt(size[0]);
                columns = Integer.parseInt(size[1]);
            }
        } catch (Exception e) {
            // No usable terminal size: keep the last one.
        }
    }

    private static int parse(String value, int fallback) {
        try {
            return value == null ? fallback : Math.max(10, Integer.parseInt(value.trim()));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
