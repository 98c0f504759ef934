package dev.burrow.agent.cli;

import dev.burrow.agent.console.ConsoleState;
import dev.burrow.agent.console.EventLog;
import dev.burrow.agent.console.LineLog;
import dev.burrow.agent.console.LiveScreen;
import dev.burrow.agent.console.LogEvent;
import dev.burrow.agent.console.TerminalSize;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

/**
 * Chooses how the agent reports: the live screen when standard output is a terminal and no {@code --log} was
 * given; otherwise line logs to stdout, stderr, a file, or nowhere ({@code --log false}).
 */
final class ConsoleChoice {
    private ConsoleChoice() {
    }

    static EventLog open(LogSettings settings, PrintStream out, ConsoleState state, Map<String, String> env) {
        String target = settings.target();
        if (target == null) {
            if (out == System.out && System.console() != null && !"dumb".equals(env.get("TERM"))) {
                if (env.get("BURROW_LOG_LEVEL") == null) {
                    // Library and engine log lines on stderr would scribble over the screen; what matters of them
                    // reaches the screen as session events. (Read when the first logger is made, which is later.)
                    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "off");
                }
                TerminalSize size = new TerminalSize(env);
                return new LiveScreen(out, state, size::columns, size::rows);
            }
            target = "stdout";
        }
        return switch (target) {
            case "stdout" -> new LineLog(out, settings.format(), settings.level(), Clock.systemUTC(), false);
            case "stderr" -> new LineLog(System.err, settings.format(), settings.level(), Clock.systemUTC(), false);
            case "false", "none", "off" -> (LogEvent event) -> { };
            default -> {
                try {
                    yield new LineLog(new PrintStream(new FileOutputStream(target, true), true, StandardCharsets.UTF_8),
                            settings.format(), settings.level(), Clock.systemUTC(), true);
                } catch (IOException e) {
                    throw new IllegalArgumentException("cannot open the log file " + target + " (" + e.getMessage()
                            + "); pass --log stdout or a writable path");
                }
            }
        };
    }
}
