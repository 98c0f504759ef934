package dev.burrow.edge.http;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The one timer of a public HTTP/1 connection: while a request head is awaited it runs to the head deadline (counted
 * from the connection's start, or from the first byte of a later head); between requests on a keep-alive connection
 * it runs to the idle timeout; while a request is being served it does not run. Confined to the connection's event
 * loop.
 */
final class ConnectionDeadlines {
    enum Kind { HEAD, IDLE }

    /** Called on the event loop when a deadline passes. */
    interface Expiry {
        void expired(Kind kind);
    }

    private final EventExecutor loop;
    private final long headNanos;
    private final long idleNanos;
    private final Expiry expiry;
    private ScheduledFuture<?> timer;
    private Kind running;

    ConnectionDeadlines(EventExecutor loop, Duration head, Duration idle, Expiry expiry) {
        this.loop = loop;
        this.headNanos = head.toNanos();
        this.idleNanos = idle.toNanos();
        this.expiry = expiry;
    }

    /** A head is awaited or has begun: the head deadline runs unless it already does. */
    void awaitHead() {
        if (running != Kind.HEAD) {
            start(Kind.HEAD, headNanos);
        }
    }

    /** Nothing is in flight and no byte of the next head has come: the idle timeout runs. */
    void awaitNextRequest() {
        start(Kind.IDLE, idleNanos);
    }

    void stop() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        running = null;
    }

    private void start(Kind kind, long nanos) {
        stop();
        if (nanos <= 0) {
            return;
        }
        running = kind;
        timer = loop.schedule(() -> {
            timer = null;
            running = null;
            expiry.expired(kind);
        }, nanos, TimeUnit.NANOSECONDS);
    }
}
