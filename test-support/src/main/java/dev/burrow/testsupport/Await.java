package dev.burrow.testsupport;

import io.vertx.core.Future;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Bounded waits. Never call these on an event-loop thread. */
public final class Await {

    private Await() {
    }

    /** The result of a Vert.x future, or an AssertionError naming {@code what} after {@code timeout}. */
    public static <T> T result(Future<T> future, Duration timeout, String what) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(what + ": no result within " + timeout);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new AssertionError(what + " failed: " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + what, e);
        }
    }

    /** Polls {@code condition} every {@code interval} until it holds; fails with {@code why} after the timeout. */
    public static void until(BooleanSupplier condition, Duration timeout, Duration interval, Supplier<String> why) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + why.get());
            }
            pause(interval);
        }
    }

    /**
     * Retries {@code attempt} until it returns without throwing (an assertion or any exception), every
     * {@code interval}; after the timeout, rethrows the last failure.
     */
    public static <T> T eventually(Supplier<T> attempt, Duration timeout, Duration interval) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                return attempt.get();
            } catch (RuntimeException | AssertionError e) {
                if (System.nanoTime() > deadline) {
                    AssertionError failure = new AssertionError("still failing after " + timeout + ": " + e, e);
                    throw failure;
                }
            }
            pause(interval);
        }
    }

    private static void pause(Duration interval) {
        try {
            Thread.sleep(interval.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
