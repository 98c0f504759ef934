package dev.burrow.edge.link;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Refused authtokens per remote address, on a fake clock. */
class AuthFailureLimiterTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final AuthFailureLimiter limiter = new AuthFailureLimiter(3, 60_000_000_000L, now::get);

    @Test
    void anAddressIsBlockedAfterItsFailuresUntilTheWindowEnds() {
        for (int i = 0; i < 2; i++) {
            limiter.failed("10.0.0.1");
        }
        assertEquals(0, limiter.blockedForSeconds("10.0.0.1"));
        limiter.failed("10.0.0.1");
        assertEquals(60, limiter.blockedForSeconds("10.0.0.1"));
        assertEquals(0, limiter.blockedForSeconds("10.0.0.2"), "other addresses are not affected");
        now.addAndGet(59_500_000_000L);
        assertEquals(1, limiter.blockedForSeconds("10.0.0.1"));
        now.addAndGet(500_000_000L);
        assertEquals(0, limiter.blockedForSeconds("10.0.0.1"));
        limiter.failed("10.0.0.1");
        assertEquals(0, limiter.blockedForSeconds("10.0.0.1"), "a new window starts from zero");
    }

    @Test
    void theAddressIsTheHostOfTheRemoteText() {
        assertEquals("127.0.0.1", AuthFailureLimiter.hostOf("127.0.0.1:40000"));
        assertEquals("0:0:0:0:0:0:0:1", AuthFailureLimiter.hostOf("0:0:0:0:0:0:0:1:40000"));
        assertTrue(AuthFailureLimiter.hostOf(null).equals("null"));
    }
}
