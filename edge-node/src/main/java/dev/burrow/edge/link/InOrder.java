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
 * Each operation starts on the given context, whichever thread completed the one before it.
 */
final class InOrder {
    private final Context context;
    private Future<?> last = Future.succeededFuture();

    InOrder(Context context) {
        this.context = context;
    }

    <T> Future<T> run(Supplier<Future<T>> operation) {
        Promise<T> done = Promise.promise();
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
