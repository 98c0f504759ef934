package dev.burrow.agent.cli;

import dev.burrow.agent.BurrowException;
import dev.burrow.agent.SessionEvent;
import dev.burrow.protocol.ErrorCode;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The status lines of refusals the session retries. */
class ConsoleReporterTest {
    @Test
    void aRateLimitedLoginSaysWhyAndWhenItIsRetried() {
        BurrowException limited = new BurrowException(BurrowException.Reason.RATE_LIMITED, ErrorCode.AUTH_RATE_LIMITED,
                "too many unknown authtokens from 10.0.0.7 lately; try again in 42 s", null, Duration.ofSeconds(42));
        assertEquals("The edge at edge.example.com:4443 turned the login away for now (too many unknown authtokens from "
                        + "10.0.0.7 lately; try again in 42 s); retrying in " + Durations.format(Duration.ofSeconds(42)),
                ConsoleReporter.line(new SessionEvent.ConnectFailed("edge.example.com:4443", limited, Duration.ofSeconds(42))));
    }
}
