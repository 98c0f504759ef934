package dev.burrow.agent.cli;

import dev.burrow.agent.BurrowException;
import dev.burrow.agent.SessionEvent;
import dev.burrow.agent.SessionListener;

import dev.burrow.agent.console.ConsoleState;
import dev.burrow.agent.console.EventLog;
import dev.burrow.agent.console.LogEvent;

import java.util.Map;

/** Reports the session's link events, one line each (the parseable status lines), and keeps the screen's status. */
final class ConsoleReporter implements SessionListener {
    private final EventLog log;
    private final ConsoleState state;

    ConsoleReporter(EventLog log, ConsoleState state) {
        this.log = log;
        this.state = state;
    }

    @Override
    public void onEvent(SessionEvent event) {
        String status = status(event);
        if (status != null) {
            state.status(status);
        }
        String line = line(event);
        if (line != null) {
            log.log(LogEvent.info(line, event.getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(),
                    Map.of("detail", line)));
        }
    }

    private static String status(SessionEvent event) {
        if (event instanceof SessionEvent.Connected || event instanceof SessionEvent.Reconnected) {
            return "online";
        }
        if (event instanceof SessionEvent.Disconnected || event instanceof SessionEvent.ConnectFailed) {
            return "reconnecting";
        }
        if (event instanceof SessionEvent.Failed || event instanceof SessionEvent.Closed) {
            return "closed";
        }
        return null;
    }

    static String line(SessionEvent event) {
        if (event instanceof SessionEvent.Connected connected) {
            return "Connected to the edge at " + connected.edgeAddress();
        }
        if (event instanceof SessionEvent.ConnectFailed failed) {
            BurrowException cause = failed.cause();
            String retry = "; retrying in " + Durations.format(failed.retryIn());
            if (cause.reason() == BurrowException.Reason.RATE_LIMITED) {
                return "The edge at " + failed.edgeAddress() + " turned the login away for now (" + cause.getMessage()
                        + ")" + retry;
            }
            if (cause.isTemporaryRefusal()) {
                return "The edge at " + failed.edgeAddress() + " cannot take the endpoints now (" + cause.getMessage()
                        + ")" + retry + ", other known nodes first";
            }
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
        if (event instanceof SessionEvent.PolicyNotice notice) {
            return notice.message();
        }
        if (event instanceof SessionEvent.LinkLost lost) {
            return "Link to the edge at " + lost.edgeAddress() + " lost (" + lost.reason() + "); " + lost.links()
                    + (lost.links() == 1 ? " link keeps" : " links keep") + " serving";
        }
        return null;
    }
}
