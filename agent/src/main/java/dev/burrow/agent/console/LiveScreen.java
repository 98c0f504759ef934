package dev.burrow.agent.console;

import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The live status screen on a terminal: redraws {@link StatusScreen} in place once a second (and at once on a
 * report) from its own thread, so no event loop ever writes to the terminal. Reports become the "Last Event" row.
 */
public final class LiveScreen implements EventLog {
    private static final String HOME = "\033[H";
    private static final String CLEAR_LINE = "\033[K";
    private static final String CLEAR_BELOW = "\033[J";
    private static final String HIDE_CURSOR = "\033[?25l";
    private static final String SHOW_CURSOR = "\033[?25h";

    private final PrintStream out;
    private final ConsoleState state;
    private final IntSupplier width;
    private final IntSupplier height;
    private final ScheduledExecutorService painter = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "burrow-screen");
        thread.setDaemon(true);
        return thread;
    });

    public LiveScreen(PrintStream out, ConsoleState state, IntSupplier width, IntSupplier height) {
        this.out = out;
        this.state = state;
        this.width = width;
        this.height = height;
        out.print("\033[2J" + HIDE_CURSOR);
        painter.scheduleWithFixedDelay(this::paint, 0, 1, TimeUnit.SECONDS);
    }

    /** Reports the screen shows in rows of their own rather than as the last event. */
    private static final java.util.Set<String> SHOWN_ELSEWHERE = java.util.Set.of("forwarding", "web interface");

    @Override
    public boolean logs(LogEvent.Level level) {
        return level != LogEvent.Level.DEBUG;
    }

    @Override
    public void log(LogEvent event) {
        if (event.level() != LogEvent.Level.DEBUG && !SHOWN_ELSEWHERE.contains(event.message())) {
            state.lastEvent(event.line());
            painter.execute(this::paint);
        }
    }

    private void paint() {
        List<String> lines = StatusScreen.render(state, width.getAsInt(), height.getAsInt());
        StringBuilder frame = new StringBuilder(HOME);
        for (int i = 0; i < lines.size(); i++) {
            frame.append(lines.get(i)).append(CLEAR_LINE);
            if (i < lines.size() - 1) {
                frame.append("\r\n");
            }
        }
        frame.append(CLEAR_BELOW);
        synchronized (out) {
            out.print(frame);
            out.flush();
        }
    }

    @Override
    public void close() {
        painter.shutdown();
        try {
            painter.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        paint();
        synchronized (out) {
            out.print(SHOW_CURSOR + "\r\n");
            out.flush();
        }
    }
}
