package dev.burrow.edge.udp;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Replies go only to visitors that sent lately; a flood of addresses costs a bounded set, the oldest forgotten first. */
class RecentVisitorsTest {

    @Test
    void anAddressThatNeverSentGetsNoReply() {
        RecentVisitors visitors = new RecentVisitors(Duration.ofMinutes(5));
        visitors.seen("203.0.113.7:5353");
        assertTrue(visitors.isRecent("203.0.113.7:5353"));
        assertFalse(visitors.isRecent("203.0.113.7:5354"), "another port of the same host is another visitor");
        assertFalse(visitors.isRecent("198.51.100.1:53"));
    }

    @Test
    void aFloodOfAddressesKeepsTheSetBoundedAndForgetsTheLeastRecentlyActive() {
        RecentVisitors visitors = new RecentVisitors(Duration.ofMinutes(5));
        visitors.seen("192.0.2.1:1000");
        for (int i = 0; i < RecentVisitors.MAX_VISITORS + 5_000; i++) {
            visitors.seen("10." + (i >> 16) + "." + ((i >> 8) & 0xff) + "." + (i & 0xff) + ":4000");
            if (i == RecentVisitors.MAX_VISITORS / 2) {
                assertTrue(visitors.isRecent("10.0.0.0:4000"), "a visitor active long ago but still inside the bound");
            }
        }
        assertEquals(RecentVisitors.MAX_VISITORS, visitors.size());
        assertFalse(visitors.isRecent("192.0.2.1:1000"), "the least recently active visitor is forgotten first");
    }

    @Test
    void aVisitorSilentForTheExpiryIsForgotten() throws InterruptedException {
        RecentVisitors visitors = new RecentVisitors(Duration.ofMillis(50));
        visitors.seen("203.0.113.7:5353");
        Thread.sleep(120);
        assertFalse(visitors.isRecent("203.0.113.7:5353"));
        assertEquals(0, visitors.size());
    }
}
