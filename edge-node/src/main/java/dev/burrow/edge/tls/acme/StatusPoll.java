package dev.burrow.edge.tls.acme;

import org.shredzone.acme4j.PollableResource;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.exception.AcmeException;

import java.time.Duration;
import java.util.Set;

/**
 * Waits for an authorization or an order to settle, asking again after 0.2, 0.4, 0.8, 1.6 s and then every 3 s (acme4j's
 * own wait asks every 3 s from the start: a CA that validates in 50 ms cost 3 s per step). Blocking: a worker thread.
 */
final class StatusPoll {
    private static final long FIRST_DELAY_MILLIS = 200;
    private static final long MAX_DELAY_MILLIS = 3_000;

    private StatusPoll() {
    }

    /** The resource's status once it is one of {@code settled}, or the last status seen after {@code timeout}. */
    static Status until(PollableResource resource, Set<Status> settled, Duration timeout) throws AcmeException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long delay = FIRST_DELAY_MILLIS;
        Status status = resource.getStatus();
        while (!settled.contains(status) && System.nanoTime() < deadline) {
            Thread.sleep(delay);
            delay = Math.min(delay * 2, MAX_DELAY_MILLIS);
            resource.fetch();
            status = resource.getStatus();
        }
        return status;
    }
}
