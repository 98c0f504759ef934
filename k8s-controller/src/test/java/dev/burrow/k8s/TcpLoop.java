package dev.burrow.k8s;

import dev.burrow.testsupport.Await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static dev.burrow.k8s.ControllerTestBed.POLL;
import static dev.burrow.k8s.ControllerTestBed.WAIT;

/**
 * New TCP connections in a steady loop on its own thread, one every {@link #PACE} and the ports taken in turn, each
 * sending a line and reading the line that comes back ({@link LineConnection}, at most 5 s): what a public client sees
 * while a replica is killed. {@link #stop} ends it and returns every result; {@link #close} ends it too.
 */
final class TcpLoop implements AutoCloseable {
    static final Duration PACE = Duration.ofMillis(50);
    /** At most this many connections (a minute's worth at the pace), so that a loop nobody stops still ends. */
    static final int LIMIT = 1_200;

    /** One connection: when it started, the port, and the reply or what went wrong. */
    record Result(long startedNanos, int port, String line, String reply) {
        boolean answered() {
            return reply.endsWith("-" + line);
        }
    }

    private final List<Integer> ports;
    private final List<Result> results = new ArrayList<>();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tcp-loop");
        t.setDaemon(true);
        return t;
    });

    private TcpLoop(List<Integer> ports) {
        this.ports = ports;
    }

    static TcpLoop start(List<Integer> ports) {
        TcpLoop loop = new TcpLoop(ports);
        loop.thread.scheduleWithFixedDelay(loop::connectOnce, 0, PACE.toMillis(), TimeUnit.MILLISECONDS);
        return loop;
    }

    private void connectOnce() {
        int n = results().size();
        if (n >= LIMIT) {
            thread.shutdown();
            return;
        }
        int port = ports.get(n % ports.size());
        long started = System.nanoTime();
        String line = "line " + n;
        String reply = LineConnection.once(port, line, Duration.ofSeconds(5));
        synchronized (results) {
            results.add(new Result(started, port, line, reply));
        }
    }

    List<Result> results() {
        synchronized (results) {
            return List.copyOf(results);
        }
    }

    /** Waits until {@code count} connections have their result. */
    void awaitResults(int count) {
        Await.until(() -> results().size() >= count, WAIT, POLL, () -> "results " + results());
    }

    /** Waits until {@code count} connections that started after {@code nanos} have their result. */
    void awaitResultsStartedAfter(long nanos, int count) {
        Await.until(() -> results().stream().filter(r -> r.startedNanos() > nanos).count() >= count, WAIT, POLL,
                () -> "results " + results());
    }

    /** Stops the loop (the connection under way finishes) and returns every result. */
    List<Result> stop() {
        thread.shutdown();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new ArrayList<>(results());
    }

    @Override
    public void close() {
        stop();
    }
}
