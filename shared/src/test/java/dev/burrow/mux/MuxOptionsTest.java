package dev.burrow.mux;

import dev.burrow.protocol.ProtocolLimits;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class MuxOptionsTest {
    private final MuxOptions tenSeconds = MuxOptions.defaults("link").withHeartbeatInterval(Duration.ofSeconds(10));

    @Test
    void theDefaultToleranceIsThreeIntervals() {
        assertEquals(ProtocolLimits.HEARTBEAT_TOLERANCE, tenSeconds.heartbeatTolerance());
    }

    @Test
    void allowedSilenceBecomesWholeIntervalsRoundedUp() {
        assertEquals(2, tenSeconds.withHeartbeatSilenceAllowed(Duration.ofSeconds(20)).heartbeatTolerance());
        assertEquals(3, tenSeconds.withHeartbeatSilenceAllowed(Duration.ofSeconds(21)).heartbeatTolerance());
        assertEquals(1, tenSeconds.withHeartbeatSilenceAllowed(Duration.ofMillis(1)).heartbeatTolerance());
    }

    @Test
    void withoutHeartbeatsTheToleranceDoesNotMatter() {
        MuxOptions off = MuxOptions.defaults("link").withHeartbeatInterval(Duration.ZERO);
        assertSame(off, off.withHeartbeatSilenceAllowed(Duration.ofSeconds(5)));
    }
}
