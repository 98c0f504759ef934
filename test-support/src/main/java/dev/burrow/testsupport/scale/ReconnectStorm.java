package dev.burrow.testsupport.scale;

import dev.burrow.testsupport.EdgeProcess;

import java.time.Duration;
import java.util.function.Function;

/**
 * The node restarted: kills the edge (SIGKILL, so every link drops at once without a go-away), starts it again on the
 * same ports and data directory, and waits until its {@code burrow_endpoints} gauge counts every session's endpoint
 * again. The agents come back on their own, with the SDK's reconnect schedule (full jitter under a bound that doubles
 * from 200 ms up to 30 s); nothing here dials for them. Polls the gauge once a second, bounded by {@code timeout}.
 */
final class ReconnectStorm {

    /**
     * How long the storm took: from the kill, and from the moment the new node was ready; when half, 90 % and all were
     * back; and the CPU time the new node used from its readiness to the last poll (-1: unknown).
     */
    record Result(int sessions, double restartSeconds, double halfSeconds, double ninetySeconds, double allSeconds,
                  long endpointsBack, long edgeCpuNanos) {
        boolean complete() {
            return endpointsBack == sessions;
        }
    }

    private static final Duration POLL = Duration.ofSeconds(1);

    private ReconnectStorm() {
    }

    /** {@code footprintOf} reads the (new) edge process's gauges. Seconds in the result count from the new node's readiness. */
    static Result run(EdgeProcess edge, int sessions, Duration timeout, Function<EdgeProcess, EdgeFootprint> footprintOf)
            throws InterruptedException {
        long killed = System.nanoTime();
        edge.restart();
        long ready = System.nanoTime();
        double restart = (ready - killed) / 1e9;
        SessionScaleTool.log("storm: the edge was killed and is ready again after %.1f s (pid %d); waiting for %,d sessions",
                restart, edge.process().pid(), sessions);
        EdgeFootprint footprint = footprintOf.apply(edge);
        long cpuAtReady = footprint.cpuNanos();
        double half = -1;
        double ninety = -1;
        long back = 0;
        long deadline = ready + timeout.toNanos();
        while (System.nanoTime() < deadline && edge.isAlive()) {
            back = footprint.gauge("burrow_endpoints");
            double elapsed = (System.nanoTime() - ready) / 1e9;
            if (half < 0 && back * 2 >= sessions) {
                half = elapsed;
            }
            if (ninety < 0 && back * 10 >= sessions * 9L) {
                ninety = elapsed;
            }
            if (back >= sessions) {
                SessionScaleTool.log("storm: all %,d endpoints back %.1f s after the new node was ready", back, elapsed);
                return new Result(sessions, restart, half, ninety, elapsed, back, cpuSince(cpuAtReady, footprint));
            }
            SessionScaleTool.log("storm: %.0f s: %,d of %,d endpoints back, %,d links", elapsed, Math.max(back, 0), sessions,
                    footprint.gauge("burrow_agent_links"));
            Thread.sleep(POLL.toMillis()); // polling an outside process's gauge: there is no event to await
        }
        return new Result(sessions, restart, half, ninety, (System.nanoTime() - ready) / 1e9, back,
                cpuSince(cpuAtReady, footprint));
    }

    private static long cpuSince(long before, EdgeFootprint footprint) {
        long now = footprint.cpuNanos();
        return before < 0 || now < 0 ? -1 : now - before;
    }
}
