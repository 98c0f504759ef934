package dev.burrow.edge;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.function.BooleanSupplier;

/** Waits for a condition of the node's state without blocking a thread: polls it on a timer until a deadline. */
final class Await {
    private static final long POLL_MILLIS = 50;

    private Await() {
    }

    /** Completes with true once {@code condition} holds, with false at {@code deadlineNanos} ({@link System#nanoTime}). */
    static Future<Boolean> until(Vertx vertx, BooleanSupplier condition, long deadlineNanos) {
        Promise<Boolean> done = Promise.promise();
        poll(vertx, condition, deadlineNanos, done);
        return done.future();
    }

    private static void poll(Vertx vertx, BooleanSupplier condition, long deadlineNanos, Promise<Boolean> done) {
        if (condition.getAsBoolean()) {
            done.complete(true);
        } else if (System.nanoTime() - deadlineNanos >= 0) {
            done.complete(false);
        } else {
            vertx.setTimer(POLL_MILLIS, id -> poll(vertx, condition, deadlineNanos, done));
        }
    }
}
