package dev.burrow.agent.cli;

import dev.burrow.agent.BurrowException;
import dev.burrow.agent.SessionEvent;
import dev.burrow.protocol.ErrorCode;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The status lines of refusals the session retries, and what the edge says of an endpoint's policy. */
class ConsoleReporterTest {
    @Test
    void aRateLimitedLoginSaysWhyAndWhenItIsRetried() {
        BurrowException limited = new BurrowException(BurrowException.Reason.RATE_LIMITED, ErrorCode.AUTH_RATE_LIMITED,
                "too many unknown authtokens from 10.0.0.7 lately; try again in 42 s", null, Duration.ofSeconds(42));
        assertEquals("The edge at edge.example.com:4443 turned the login away for now (too many unknown authtokens from "
                        + "10.0.0.7 lately; try again in 42 s); retrying in " + Durations.format(Duration.ofSeconds(42)),
                ConsoleReporter.line(new SessionEvent.ConnectFailed("edge.example.com:4443", limited, Duration.ofSeconds(42))));
    }

    @Test
    void aPolicyNoticeIsTheEdgesSentenceAsItIs() {
        String said = "server_certificate for app.example.com expired at 2026-12-08T01:00:00Z; the edge serves its own certificate";
        assertEquals(said, ConsoleReporter.line(new SessionEvent.PolicyNotice("edge.example.com:4443", said)));
    }
}
