package dev.burrow.agent.cli;

import dev.burrow.agent.BurrowException;
import dev.burrow.agent.SessionEvent;
import dev.burrow.agent.SessionListener;

import java.io.PrintStream;

/** Prints the session's link events as one line each on standard output (the parseable status lines). */
final class ConsoleReporter implements SessionListener {
    private final PrintStream out;

    ConsoleReporter(PrintStream out) {
        this.out = out;
    }

    @Override
    public void onEvent(SessionEvent event) {
        String line = line(event);
        if (line != null) {
            out.println(line);
            out.flush();
        }
    }

    static String line(SessionEvent event) {
        if (event instanceof SessionEvent.Connected connected) {
            return "Connected to the edge at " + connected.edgeAddress();
        }
        if (event instanceof SessionEvent.ConnectFailed failed) {
            BurrowException cause = failed.cause();
            String retry = "; retrying in " + Durations.format(failed.retryIn());
            if (cause.reason() == BurrowException.Reason.BIND_FAILED) {
                return "Reconnected to the edge at " + failed.edgeAddress() + " but it refused the endpoints ("
                        + cause.getMessage() + ")" + retry;
            }
            return "Cannot reach the edge at " + failed.edgeAddress() + " (" + cause.getMessage() + ")" + retry;
        }
        if (event instanceof SessionEvent.Disconnected disconnected) {
            return "Link to the edge lost (" + disconnected.reason() + "); reconnecting";
        }
        if (event instanceof SessionEvent.Reconnected) {
            return "Reconnected; forwarding resumed";
        }
        if (event instanceof SessionEvent.LinkAdded added) {
            return "Added a link to the edge at " + added.edgeAddress() + " (" + added.links() + " links)";
        }
        if (event instanceof SessionEvent.LinkLost lost) {
            return "Link to the edge at " + lost.edgeAddress() + " lost (" + lost.reason() + "); " + lost.links()
                    + (lost.links() == 1 ? " link keeps" : " links keep") + " serving";
        }
        return null;
    }
}
