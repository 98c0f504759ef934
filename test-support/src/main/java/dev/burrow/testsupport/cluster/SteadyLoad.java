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
 * the first refusal a node gets no more requests. Blocking; {@link #run} returns when every request has finished.
 */
public final class SteadyLoad {

    /** What one node saw. */
    public static final class NodeCounts {
        public final AtomicInteger succeeded = new AtomicInteger();
        public final AtomicInteger refused = new AtomicInteger();
        public final List<String> failures = Collections.synchronizedList(new ArrayList<>());
        volatile boolean stopped;

        @Override
        public String toString() {
            return "ok=" + succeeded.get() + " failed=" + failures.size() + " refused=" + refused.get()
                    + (failures.isEmpty() ? "" : " " + failures.subList(0, Math.min(5, failures.size())));
        }
    }

    private final List<EdgeProcess> nodes;
    private final String name;
    private final Map<EdgeProcess, NodeCounts> counts = new ConcurrentHashMap<>();

    /** @param name the endpoint's subdomain */
    public SteadyLoad(List<EdgeProcess> nodes, String name) {
        this.nodes = List.copyOf(nodes);
        this.name = name;
        this.nodes.forEach(node -> counts.put(node, new NodeCounts()));
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
        try {
            for (long i = 0; i < total; i++) {
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
                pool.execute(() -> once(node, nodeCounts, n, timeout));
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
        }
        return this;
    }

    private void once(EdgeProcess node, NodeCounts nodeCounts, long n, Duration timeout) {
        try (Socket socket = new Socket()) {
            try {
                socket.connect(new InetSocketAddress(node.bindAddress(), node.httpPort()), (int) timeout.toMillis());
            } catch (ConnectException refused) {
                nodeCounts.refused.incrementAndGet();
                nodeCounts.stopped = true;
                return;
            }
            socket.setSoTimeout((int) timeout.toMillis());
            socket.getOutputStream().write(("GET /echo?load=" + n + " HTTP/1.1\r\nHost: " + node.hostHeader(name)
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (response.startsWith("HTTP/1.1 200")) {
                nodeCounts.succeeded.incrementAndGet();
            } else {
                int end = response.indexOf('\r');
                nodeCounts.failures.add("#" + n + " " + (response.isEmpty() ? "empty response"
                        : response.substring(0, end < 0 ? Math.min(80, response.length()) : end)));
            }
        } catch (IOException e) {
            nodeCounts.failures.add("#" + n + " " + e);
        }
    }
}
