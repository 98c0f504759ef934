package dev.burrow.edge.http;

/**
 * How many HTTP/2 frames of one kind a client may still send: a token bucket that starts full at {@code burst}, refills
 * at {@code perSecond}, and also grows by one for every {@code bytesPerFrame} bytes {@link #earn earned} and for every
 * {@link #earnOne}. Never above {@code burst}. The edge keeps two per connection: frames that carry no request (earned
 * by what the edge sends: a real client acknowledges data it receives with WINDOW_UPDATE frames and may ping once per
 * burst of it; and by request heads), and DATA frames (earned by the body bytes they carry). Not thread-safe: one
 * connection, its event loop.
 */
final class FrameBudget {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long burst;
    private final long nanosPerFrame;
    private final int bytesPerFrame;
    private long frames;
    private long lastRefill;
    private long bytesEarned;

    FrameBudget(int burst, int perSecond, int bytesPerFrame, long nowNanos) {
        this.burst = burst;
        this.nanosPerFrame = NANOS_PER_SECOND / perSecond;
        this.bytesPerFrame = bytesPerFrame;
        this.frames = burst;
        this.lastRefill = nowNanos;
    }

    /** One more frame: true if the budget had room for it. */
    boolean take(long nowNanos) {
        refill(nowNanos);
        if (frames == 0) {
            return false;
        }
        frames--;
        return true;
    }

    /** {@code bytes} that earn frames went by (sent by the edge, or carried in a DATA frame). */
    void earn(int bytes) {
        bytesEarned += bytes;
        if (bytesEarned >= bytesPerFrame) {
            add(bytesEarned / bytesPerFrame);
            bytesEarned %= bytesPerFrame;
        }
    }

    /** Progress worth one frame (a request head, or trailers). */
    void earnOne() {
        add(1);
    }

    private void refill(long nowNanos) {
        long earned = (nowNanos - lastRefill) / nanosPerFrame;
        if (earned > 0) {
            lastRefill += earned * nanosPerFrame;
            add(earned);
        }
        if (frames == burst) {
            lastRefill = nowNanos;
        }
    }

    private void add(long more) {
        frames = Math.min(burst, frames + more);
    }
}
