package dev.burrow.e2e;

import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Await;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.OpsMetrics;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.tools.NginxServer;
import dev.burrow.testsupport.tools.ServedFiles;
import dev.burrow.testsupport.tools.Sha256;
import dev.burrow.testsupport.tools.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Receive windows widen for fast readers only as far as the widening budgets allow (docs/data-path.md, "Memory per
 * link and per node"). Two agents serve nginx through one edge; eight visitors each read the first 12 MiB of a 48 MiB
 * file as fast as they can, one after the other (so that each stream's window widens), then stop reading. The edge's
 * pooled payload memory stays within the stated bound for the eight streams while they are stalled, the widened
 * windows within the node's budget, and once the visitors read again each gets every byte (SHA-256).
 *
 * <p>The budgets are this test's own (6 MiB per link, 8 MiB per node, far below what eight streams could widen to);
 * {@code -DwideningBudgetE2E.nodeBudget=BYTES} and {@code -DwideningBudgetE2E.linkBudget=BYTES} run the same visitors
 * with others (a budget above 8 × 3.5 MiB shows what the edge held before there were budgets; the figures are printed).
 */
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class WideningBudgetE2ETest {
    private static final long MIB = 1024 * 1024;
    private static final long SIZE = 48 * MIB;
    private static final long FAST_BYTES = 12 * MIB;
    private static final int VISITORS_PER_AGENT = 4;
    private static final long LINK_BUDGET = Long.getLong("wideningBudgetE2E.linkBudget", 6 * MIB);
    private static final long NODE_BUDGET = Long.getLong("wideningBudgetE2E.nodeBudget", 8 * MIB);
    private static final long INITIAL_WINDOW = 512 * 1024;
    /**
     * What one response may hold on the edge past its stream's window: the pump's hand-over (256 KiB) and the
     * response's write queue (256 KiB), each overshooting by up to one batch of 256 KiB + one 64 KiB payload.
     */
    private static final long RESPONSE_PIPELINE = 1152 * 1024;
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(30);

    private static ServedFiles files;
    private static NginxServer nginx;
    private static EdgeProcess edge;
    private static final List<AgentProcess> agents = new ArrayList<>();
    private static final List<String> hosts = new ArrayList<>();

    @BeforeAll
    static void startAll() {
        Tools.assumeInstalled("nginx");
        files = ServedFiles.create(SIZE);
        nginx = NginxServer.serve(files.dir());
        // A growth period of 50 ms: every visitor that reads its first megabytes at 40 MiB/s or more counts as fast,
        // however loaded the machine, so the windows do widen (what this test is about).
        edge = EdgeProcess.builder().name("edge-widening").heapMb(192)
                .jvmArg("-Dburrow.mux.linkWideningBudget=" + LINK_BUDGET, "-Dburrow.mux.nodeWideningBudget=" + NODE_BUDGET,
                        "-Dburrow.mux.windowGrowthFloorMillis=50")
                .start();
        for (String name : List.of("widening-a", "widening-b")) {
            agents.add(AgentProcess.http(edge, nginx.address()).name("agent-" + name).subdomain(name).start());
            hosts.add(edge.hostHeader(name));
        }
    }

    @AfterAll
    static void stopAll() {
        Closeables.closeAll(agents.toArray(AutoCloseable[]::new));
        Closeables.closeAll(edge, nginx, files);
    }

    @Test
    void fastThenStalledDownloadsStayWithinTheBudgetAndArriveWholeOnceReadAgain() throws Exception {
        Peaks peaks = new Peaks();
        List<Visitor> visitors = new ArrayList<>();
        try {
            for (int i = 0; i < VISITORS_PER_AGENT * agents.size(); i++) {
                Visitor visitor = Visitor.start(hosts.get(i % hosts.size()));
                visitors.add(visitor);
                visitor.read(FAST_BYTES);
                peaks.sample();
            }
            long held = awaitSettled(peaks);
            long bound = visitors.size() * (INITIAL_WINDOW + RESPONSE_PIPELINE) + Math.min(NODE_BUDGET, agents.size() * LINK_BUDGET);
            System.out.printf("%d stalled downloads: pooled payloads %.1f MiB held (peak %.1f MiB, bound %.1f MiB), windows widened"
                            + " by %.1f MiB (peak %.1f MiB, node budget %.1f MiB)%n", visitors.size(), held / (double) MIB,
                    peaks.pooledBytes.get() / (double) MIB, bound / (double) MIB, widened() / (double) MIB,
                    peaks.widened.get() / (double) MIB, NODE_BUDGET / (double) MIB);
            assertTrue(peaks.widened.get() > 0, "no window widened: the test did not exercise widening");
            assertTrue(peaks.widened.get() <= NODE_BUDGET, "windows widened by " + peaks.widened + " bytes, past the node's budget");
            assertTrue(peaks.pooledBytes.get() <= bound, "the edge held " + peaks.pooledBytes + " bytes of pooled payloads, past "
                    + bound);

            String expected = files.sha256(SIZE);
            for (Visitor visitor : visitors) {
                visitor.read(SIZE);
                assertEquals(expected, visitor.digest(), "the body " + visitor + " got");
            }
        } finally {
            Closeables.closeAll(visitors.toArray(AutoCloseable[]::new));
        }
        Await.until(() -> OpsMetrics.sum(edge, "burrow_pooled_payload_bytes") == 0 && widened() == 0,
                Duration.ofSeconds(20), Duration.ofMillis(50), () -> "pooled payload bytes "
                        + OpsMetrics.sum(edge, "burrow_pooled_payload_bytes") + ", widened " + widened() + " after every download");
    }

    /** Waits until the edge's pooled payload bytes stop changing (every stalled stream's window is full); returns them. */
    private static long awaitSettled(Peaks peaks) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
        long last = -1;
        int unchanged = 0;
        while (unchanged < 10) {
            assertTrue(System.nanoTime() < deadline, "the pooled payload bytes did not settle within " + SETTLE_TIMEOUT);
            Thread.sleep(100);
            long now = peaks.sample();
            unchanged = now == last ? unchanged + 1 : 0;
            last = now;
        }
        return last;
    }

    private static long widened() {
        return (long) OpsMetrics.sum(edge, "burrow_mux_widened_window_bytes");
    }

    /** The highest pooled payload bytes and widened window bytes seen so far. */
    private static final class Peaks {
        final AtomicLong pooledBytes = new AtomicLong();
        final AtomicLong widened = new AtomicLong();

        long sample() {
            long pooled = (long) OpsMetrics.sum(edge, "burrow_pooled_payload_bytes");
            pooledBytes.accumulateAndGet(pooled, Math::max);
            widened.accumulateAndGet(WideningBudgetE2ETest.widened(), Math::max);
            return pooled;
        }
    }

    /** A visitor on a raw socket with a small receive buffer, so that what it does not read waits in the tunnel. */
    private static final class Visitor implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final MessageDigest digest = Sha256.newDigest();
        private final byte[] chunk = new byte[64 * 1024];
        private final String host;
        private long bodyRead;

        private Visitor(Socket socket, String host) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.host = host;
        }

        static Visitor start(String host) throws IOException {
            Socket socket = new Socket();
            socket.setReceiveBufferSize(64 * 1024);
            socket.connect(new InetSocketAddress(edge.bindAddress(), edge.httpPort()), 10_000);
            socket.setSoTimeout(30_000);
            Visitor visitor = new Visitor(socket, host);
            socket.getOutputStream().write(("GET /" + ServedFiles.name(SIZE) + " HTTP/1.1\r\nHost: " + host
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String head = visitor.readHead();
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            assertTrue(head.toLowerCase().contains("content-length: " + SIZE), head);
            return visitor;
        }

        private String readHead() throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (head.size() < 16 * 1024) {
                int b = in.read();
                assertTrue(b >= 0, "the connection closed in the response head: " + head);
                head.write(b);
                byte[] bytes = head.toByteArray();
                int n = bytes.length;
                if (n >= 4 && bytes[n - 4] == '\r' && bytes[n - 3] == '\n' && bytes[n - 2] == '\r' && bytes[n - 1] == '\n') {
                    return head.toString(StandardCharsets.US_ASCII);
                }
            }
            throw new AssertionError("no end of the response head in 16 KiB");
        }

        /** Reads the body up to {@code upTo} bytes in all. */
        void read(long upTo) throws IOException {
            while (bodyRead < upTo) {
                int n = in.read(chunk, 0, (int) Math.min(chunk.length, upTo - bodyRead));
                assertTrue(n > 0, "the body ended after " + bodyRead + " of " + SIZE + " bytes (" + this + ")");
                digest.update(chunk, 0, n);
                bodyRead += n;
            }
        }

        String digest() {
            return Sha256.hex(digest);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }

        @Override
        public String toString() {
            return "visitor of " + host + " from port " + socket.getLocalPort() + " (" + bodyRead + " bytes read)";
        }
    }
}
