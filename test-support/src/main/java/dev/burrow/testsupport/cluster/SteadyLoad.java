package dev.burrow.testsupport.cluster;

import dev.burrow.testsupport.EdgeProcess;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded, steady HTTP load through several edge nodes: {@code rate} GETs a second for {@code duration}, round robin
 * over the nodes, each on a fresh connection ({@code Connection: close}) with a timeout, from a small thread pool. Per
 * node it counts successes (200), failures (anything else: another status, a reset, a timeout — with the reason), and
 * refusals (the connection was refused: the node no longer accepts, which a load balancer would route around); after
 * the first refusal a node gets no more requests. With {@link #retryingRefused()} it acts as a load balancer in front
 * of nodes that come and go (a rolling restart): a refused connection is counted and the request goes to the next
 * node instead, and no node is dropped for good. Blocking; {@link #run} returns when every request has finished, or
 * soon after {@link #stop()}.
 */
public final class SteadyLoad {

    /** What one node saw. */
    public static final class NodeCounts {
        public final AtomicInteger succeeded = new AtomicInteger();
        public final AtomicInteger refused = new AtomicInteger();
        /** Connections reset before any byte of answer, sent again to another node (when balancing). */
        public final AtomicInteger resetUnanswered = new AtomicInteger();
        public final List<String> failures = Collections.synchronizedList(new ArrayList<>());
        volatile boolean stopped;
        volatile boolean ready = true;

        @Override
        public String toString() {
            return "ok=" + succeeded.get() + " failed=" + failures.size() + " refused=" + refused.get()
                    + " reset-unanswered=" + resetUnanswered.get() + (failures.isEmpty() ? "" : " " + failures.subList(0, Math.min(5, failures.size())));
        }
    }

    private final List<EdgeProcess> nodes;
    private final String name;
    private final Map<EdgeProcess, NodeCounts> counts = new ConcurrentHashMap<>();
    private volatile boolean retryRefused;
    private volatile boolean stopRequested;

    /** @param name the endpoint's subdomain */
    public SteadyLoad(List<EdgeProcess> nodes, String name) {
        this.nodes = List.copyOf(nodes);
        this.name = name;
        this.nodes.forEach(node -> counts.put(node, new NodeCounts()));
    }

    /**
     * Acts as a load balancer with health checks: a node whose {@code /readyz} does not answer 200 (polled every
     * 100 ms) gets no new requests, and a refused connection moves the request to the next node (counted as refused
     * at the first). No node is dropped for good.
     */
    public SteadyLoad retryingRefused() {
        retryRefused = true;
        return this;
    }

    private void pollReadiness() {
        while (!stopRequested && !Thread.currentThread().isInterrupted()) {
            for (EdgeProcess node : nodes) {
                counts.get(node).ready = node.readyStatus() == 200;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Ends {@link #run} early: no new requests; the ones under way finish. */
    public void stop() {
        stopRequested = true;
    }

    /** Every failure at any node. */
    public List<String> allFailures() {
        List<String> all = new ArrayList<>();
        for (EdgeProcess node : nodes) {
            all.addAll(counts.get(node).failures);
        }
        return all;
    }

    /** Successes at all nodes together. */
    public int totalSucceeded() {
        return counts.values().stream().mapToInt(c -> c.succeeded.get()).sum();
    }

    public NodeCounts counts(EdgeProcess node) {
        return counts.get(node);
    }

    /** Runs the load; {@code timeout} bounds each request. */
    public SteadyLoad run(int rate, Duration duration, Duration timeout) {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        long periodNanos = 1_000_000_000L / rate;
        long start = System.nanoTime();
        long total = duration.toNanos() / periodNanos;
        Thread readiness = null;
        if (retryRefused) {
            readiness = new Thread(this::pollReadiness, "steady-load-readiness");
            readiness.setDaemon(true);
            readiness.start();
        }
        try {
            for (long i = 0; i < total && !stopRequested; i++) {
                long due = start + i * periodNanos;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                EdgeProcess node = nodes.get((int) (i % nodes.size()));
                NodeCounts nodeCounts = counts.get(node);
                if (nodeCounts.stopped) {
                    continue;
                }
                long n = i;
                int first = (int) (i % nodes.size());
                pool.execute(() -> {
                    if (retryRefused) {
                        balanced(first, n, timeout);
                    } else {
                        once(node, nodeCounts, n, timeout);
                    }
                });
            }
            pool.shutdown();
            if (!pool.awaitTermination(timeout.toMillis() * 2 + 5_000, TimeUnit.MILLISECONDS)) {
                throw new AssertionError("the load's requests did not finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } finally {
            pool.shutdownNow();
            if (readiness != null) {
                readiness.interrupt();
            }
        }
        return this;
    }

    /**
     * Tries the ready nodes in turn from {@code first} until one accepts the connection; all refusing is a failure.
     */
    private void balanced(int first, long n, Duration timeout) {
        boolean anyReady = nodes.stream().anyMatch(node -> counts.get(node).ready);
        for (int k = 0; k < nodes.size(); k++) {
            EdgeProcess node = nodes.get((first + k) % nodes.size());
            NodeCounts nodeCounts = counts.get(node);
            if (anyReady && !nodeCounts.ready) {
                continue;
            }
            if (once(node, nodeCounts, n, timeout)) {
                return;
            }
        }
        counts.get(nodes.get(first)).failures.add("#" + n + " every node refused the connection");
    }

    /**
     * One request; false when it may go to another node: the connection was refused (haproxy's default
     * {@code retry-on conn-failure}), or, when balancing, reset before a single byte of answer came back (haproxy's
     * {@code retry-on empty-response}, safe for this GET: a stopping node's kernel resets the connections still in its
     * accept queue, which the edge never read). A connection answered in part, or closed cleanly without an answer, is
     * a failure.
     */
    private boolean once(EdgeProcess node, NodeCounts nodeCounts, long n, Duration timeout) {
        try (Socket socket = new Socket()) {
            try {
                socket.connect(new InetSocketAddress(node.bindAddress(), node.httpPort()), (int) timeout.toMillis());
            } catch (ConnectException refused) {
                nodeCounts.refused.incrementAndGet();
                nodeCounts.stopped = !retryRefused;
                return false;
            }
            socket.setSoTimeout((int) timeout.toMillis());
            socket.getOutputStream().write(("GET /echo?load=" + n + " HTTP/1.1\r\nHost: " + node.hostHeader(name)
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
            try {
                socket.getInputStream().transferTo(received);
            } catch (java.net.SocketException reset) {
                if (retryRefused && received.size() == 0) {
                    nodeCounts.resetUnanswered.incrementAndGet();
                    return false;
                }
                throw reset;
            }
            String response = received.toString(StandardCharsets.UTF_8);
            if (response.startsWith("HTTP/1.1 200")) {
                nodeCounts.succeeded.incrementAndGet();
            } else {
                int end = response.indexOf('\r');
                nodeCounts.failures.add("#" + n + " " + (response.isEmpty() ? "empty response"
                        : response.substring(0, end < 0 ? Math.min(80, response.length()) : end)
                        + " [" + response.substring(Math.max(0, response.length() - 160)).replaceAll("\\s+", " ") + "]"));
            }
        } catch (IOException e) {
            nodeCounts.failures.add("#" + n + " " + e);
        }
        return true;
    }
}
