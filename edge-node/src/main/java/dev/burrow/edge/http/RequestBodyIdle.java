package dev.burrow.edge.http;

import io.vertx.core.Context;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The bound on a request body that stops arriving: a client that sent its head and then trickles the body (or sends
 * nothing more) holds an exchange, a stream and an upstream request open; after {@code idle} without a body byte the
 * exchange is given up. Time the edge itself holds the client back (the stream's write queue is full, so the request
 * is paused) does not count. One timer per exchange, re-armed lazily: a body byte only records the time.
 * <p>
 * All methods on the request's context.
 */
final class RequestBodyIdle {
    private final Context context;
    private final long idleNanos;
    private final BooleanSupplier edgeIsHolding;
    private final Runnable onIdle;
    private long lastProgress;
    private long timer = -1;
    private boolean stopped;

    private RequestBodyIdle(Context context, Duration idle, BooleanSupplier edgeIsHolding, Runnable onIdle) {
        this.context = context;
        this.idleNanos = idle.toNanos();
        this.edgeIsHolding = edgeIsHolding;
        this.onIdle = onIdle;
    }

    /** Starts the bound now; a zero {@code idle} turns it off. */
    static RequestBodyIdle start(Context context, Duration idle, BooleanSupplier edgeIsHolding, Runnable onIdle) {
        RequestBodyIdle bound = new RequestBodyIdle(context, idle, edgeIsHolding, onIdle);
        if (idle.isZero()) {
            bound.stopped = true;
        } else {
            bound.lastProgress = System.nanoTime();
            bound.arm(bound.idleNanos);
        }
        return bound;
    }

    /** A body byte arrived. */
    void progress() {
        lastProgress = System.nanoTime();
    }

    /** The body ended, or the exchange did: the bound no longer applies. */
    void stop() {
        stopped = true;
        if (timer >= 0) {
            context.owner().cancelTimer(timer);
            timer = -1;
        }
    }

    private void arm(long delayNanos) {
        long millis = Math.max(1, delayNanos / 1_000_000);
        timer = context.owner().setTimer(millis, id -> context.runOnContext(v -> check()));
    }

    private void check() {
        timer = -1;
        if (stopped) {
            return;
        }
        long now = System.nanoTime();
        if (edgeIsHolding.getAsBoolean()) {
            lastProgress = now;
        }
        long silent = now - lastProgress;
        if (silent < idleNanos) {
            arm(idleNanos - silent);
            return;
        }
        stopped = true;
        onIdle.run();
    }
}
