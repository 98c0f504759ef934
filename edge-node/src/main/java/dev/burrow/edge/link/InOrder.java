package dev.burrow.edge.link;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.function.Supplier;

/**
 * Runs asynchronous operations one after another, each starting when the one before it has completed (either way).
 * An agent's control messages for its endpoints are applied through one of these: an unbind and the bind of the same
 * name that follows it run on different worker threads, and applied out of order they would leave the name unbound.
 * Each operation starts on the given context, whichever thread completed the one before it. At most {@code maxPending}
 * operations wait or run at once: the caller asks {@link #isFull()} before {@link #run}, as each waiting one holds heap.
 * Call {@code run} and {@code isFull} on the given context.
 */
final class InOrder {
    private final Context context;
    private final int maxPending;
    private Future<?> last = Future.succeededFuture();
    private int pending;

    InOrder(Context context, int maxPending) {
        this.context = context;
        this.maxPending = maxPending;
    }

    boolean isFull() {
        return pending >= maxPending;
    }

    int pending() {
        return pending;
    }

    /** Fails at once, running nothing, when {@link #isFull()}. */
    <T> Future<T> run(Supplier<Future<T>> operation) {
        if (isFull()) {
            return Future.failedFuture(new IllegalStateException("more than " + maxPending + " operations are pending"));
        }
        pending++;
        Promise<T> done = Promise.promise();
        done.future().onComplete(ar -> context.runOnContext(v -> pending--));
        last.onComplete(previous -> {
            if (Vertx.currentContext() == context) {
                start(operation, done);
            } else {
                context.runOnContext(v -> start(operation, done));
            }
        });
        last = done.future();
        return done.future();
    }

    private static <T> void start(Supplier<Future<T>> operation, Promise<T> done) {
        Future<T> started;
        try {
            started = operation.get();
        } catch (RuntimeException e) {
            started = Future.failedFuture(e);
        }
        started.onComplete(done);
    }
}
