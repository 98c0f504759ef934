package dev.burrow.edge.http;

/**
 * How many HTTP/2 frames that carry no request an HTTP/2 client may still send (SETTINGS, PING, WINDOW_UPDATE,
 * PRIORITY, acknowledgements, GOAWAY, frames of unknown type, empty DATA frames): a token bucket that starts full at
 * {@code burst}, refills at {@code perSecond}, and also grows by one for every {@code bytesSentPerFrame} bytes the edge
 * sends on the connection and for every request head the client sends (a real client acknowledges data it receives with
 * WINDOW_UPDATE frames and may ping once per burst of it). Never above {@code burst}. Not thread-safe: one connection,
 * its event loop.
 */
final class OverheadFrameBudget {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long burst;
    private final long nanosPerFrame;
    private final int bytesSentPerFrame;
    private long frames;
    private long lastRefill;
    private long bytesSent;

    OverheadFrameBudget(int burst, int perSecond, int bytesSentPerFrame, long nowNanos) {
        this.burst = burst;
        this.nanosPerFrame = NANOS_PER_SECOND / perSecond;
        this.bytesSentPerFrame = bytesSentPerFrame;
        this.frames = burst;
        this.lastRefill = nowNanos;
    }

    /** One more frame that carries no request: true if the budget had room for it. */
    boolean take(long nowNanos) {
        refill(nowNanos);
        if (frames == 0) {
            return false;
        }
        frames--;
        return true;
    }

    /** The edge sent {@code bytes} on the connection. */
    void sent(int bytes) {
        bytesSent += bytes;
        if (bytesSent >= bytesSentPerFrame) {
            add(bytesSent / bytesSentPerFrame);
            bytesSent %= bytesSentPerFrame;
        }
    }

    /** The client sent a request head (or trailers): progress, worth one frame. */
    void requestHead() {
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
