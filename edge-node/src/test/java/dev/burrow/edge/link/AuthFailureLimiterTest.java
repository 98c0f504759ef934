package dev.burrow.edge.link;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Unknown authtokens per remote address, on a fake clock. */
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
    void anIpv6AddressCountsForItsSlash64() {
        limiter.failed("2001:db8:1:2::1");
        limiter.failed("2001:db8:1:2:aaaa:bbbb:cccc:dddd");
        limiter.failed("[2001:0db8:0001:0002::ffff]");
        assertEquals(60, limiter.blockedForSeconds("2001:db8:1:2::99"), "one /64 is one host");
        assertEquals(0, limiter.blockedForSeconds("2001:db8:1:3::1"), "the next /64 is another");
        assertEquals("2001:db8:1:2::/64", AuthFailureLimiter.keyOf("2001:db8:1:2:0:0:0:1%eth0"));
        assertEquals("0:0:0:0::/64", AuthFailureLimiter.keyOf("0:0:0:0:0:0:0:1"));
        assertEquals("10.1.2.3", AuthFailureLimiter.keyOf("10.1.2.3"));
    }

    @Test
    void aFullTableDropsItsOldestWindowAndKeepsTrackingNewAddresses() {
        AuthFailureLimiter small = new AuthFailureLimiter(1, 60_000_000_000L, 3, now::get);
        for (int i = 1; i <= 3; i++) {
            small.failed("10.0.0." + i);
            now.addAndGet(1_000_000_000L);
        }
        assertEquals(3, small.tracked());
        small.failed("10.0.0.4");
        assertEquals(3, small.tracked());
        assertTrue(small.blockedForSeconds("10.0.0.4") > 0, "a new address is tracked although the table was full");
        assertEquals(0, small.blockedForSeconds("10.0.0.1"), "the oldest window made room");
        assertTrue(small.blockedForSeconds("10.0.0.2") > 0);
        // Expired windows leave from the head first.
        now.addAndGet(58_500_000_000L);
        small.failed("10.0.0.5");
        assertEquals(3, small.tracked());
        assertEquals(0, small.blockedForSeconds("10.0.0.2"));
        assertTrue(small.blockedForSeconds("10.0.0.3") > 0);
        assertTrue(small.blockedForSeconds("10.0.0.4") > 0);
        assertTrue(small.blockedForSeconds("10.0.0.5") > 0);
    }

    @Test
    void theAddressIsTheHostOfTheRemoteText() {
        assertEquals("127.0.0.1", AuthFailureLimiter.hostOf("127.0.0.1:40000"));
        assertEquals("0:0:0:0:0:0:0:1", AuthFailureLimiter.hostOf("0:0:0:0:0:0:0:1:40000"));
        assertTrue(AuthFailureLimiter.hostOf(null).equals("null"));
    }
}
