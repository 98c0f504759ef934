package dev.burrow.edge.http;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line per refused or timed-out request head, at most {@link #LINES_PER_SECOND} a second across the edge:
 * anything a client can send must not flood the log. Lines left out are counted in the next line written.
 */
final class RefusalLog {
    private static final Logger LOG = LoggerFactory.getLogger(RefusalLog.class);
    static final int LINES_PER_SECOND = 10;
    private static final long WINDOW_NANOS = 1_000_000_000L;

    private long windowStart = System.nanoTime();
    private int linesInWindow;
    private long skipped;

    /** Logs "http: STATUS to CLIENT: REASON" unless this second's lines are spent; any thread. */
    void refused(Object client, int status, String reason) {
        refused(client, String.valueOf(status), reason);
    }

    /** As {@link #refused(Object, int, String)}, for an answer that is no status ({@code answer}: such as a GOAWAY). */
    void refused(Object client, String answer, String reason) {
        long left;
        synchronized (this) {
            long now = System.nanoTime();
            if (now - windowStart >= WINDOW_NANOS) {
                windowStart = now;
                linesInWindow = 0;
            }
            if (++linesInWindow > LINES_PER_SECOND) {
                skipped++;
                return;
            }
            left = skipped;
            skipped = 0;
        }
        LOG.info("http: {} to {}: {}{}", answer, client, reason,
                left == 0 ? "" : " (" + left + " more refusals not logged)");
    }
}
