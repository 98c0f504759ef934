package dev.burrow.testsupport.scale;

import dev.burrow.agent.BurrowSession;
import dev.burrow.agent.TunnelConnection;
import dev.burrow.protocol.HttpResponseHead;
import dev.burrow.testsupport.EdgeProcess;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Opens N idle agent sessions, one HTTP endpoint each, against ONE edge node in its own JVM, in steps (for example
 * 1 000, 2 000, 5 000, 10 000). At every step it reports the time to register the step's sessions, the edge's heap
 * after a full GC and its RSS (total and per session over the empty-edge baseline), and the latency of public
 * requests whose Host the registry must look up: routed to random bound hostnames and 404s for unbound ones.
 * The edge runs with {@code -XX:+ExitOnOutOfMemoryError}, so a run that finishes also proves the heap held.
 *
 * <pre>
 * java -cp TEST_SUPPORT_CLASSPATH dev.burrow.testsupport.scale.SessionScaleTool --steps 1000,2000,5000,10000
 * </pre>
 * Options: --steps N,N,… (ascending), --concurrency C (sessions connecting at once, default 64), --edge-heap-mb M
 * (default 2048), --requests R (timed requests per kind per step, default 2000), --step-timeout S (seconds to
 * register one step, default 600), --storm S (after the last step, restart the edge and wait at most S seconds for
 * every session to come back; 0, the default, skips it), --out FILE (also write the table as markdown), --domain D (the
 * edge's domain, default localhost), --histograms DIR (the edge's class histogram at each step). Exit status 1
 * if a session fails to register, a request gets the wrong status, the edge's endpoint gauge disagrees, the edge dies,
 * the heap exceeds 2 GiB at 100 000 sessions or more (a smaller run: 1 GiB at 10 000, projected from its largest
 * step), or a storm leaves a session out.
 * <p>
 * Sessions dial from 127.0.0.2, 127.0.0.3, … ({@value #SESSIONS_PER_SOURCE} per address): one source address has
 * only the ephemeral port range (about 28 000 ports) towards the edge's one agent-link address.
 */
public final class SessionScaleTool {

    private static final Pattern OPS_LINE = Pattern.compile("^Ops \\(healthz, readyz, metrics\\) listening on (\\S+):(\\d+)");
    private static final Buffer ANSWER = Buffer.buffer("ok");
    private static final HttpResponseHead ANSWER_HEAD = new HttpResponseHead(200, "OK",
            List.of(Map.entry("content-length", "2"), Map.entry("content-type", "text/plain")));
    /** Untimed requests before each timed batch, so the first step does not measure the JIT. */
    private static final int WARMUP_REQUESTS = 1_000;
    /** Bound on one batch of requests: the timed ones were always given this much. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(300);
    /** Sessions per source address: well inside the 28 232 ports of Linux's default ephemeral range. */
    static final int SESSIONS_PER_SOURCE = 20_000;

    /**
     * @param domain     the edge's domain; {@code localhost} (one label) makes the dev CA issue a certificate per bound
     *                   name, a domain of two labels or more is served by the dev wildcard, as a real domain would be
     * @param histograms a directory for the edge's class histogram at each step, or null
     */
    record Options(int[] steps, int concurrency, int edgeHeapMb, int requests, Duration stepTimeout, Duration storm, Path out,
                   String domain, Path histograms) {
        static Options parse(String[] args) {
            int[] steps = {1_000, 2_000};
            int concurrency = 64;
            int heapMb = 2048;
            int requests = 2_000;
            Duration stepTimeout = Duration.ofSeconds(600);
            Duration storm = Duration.ZERO;
            Path out = null;
            String domain = "localhost";
            Path histograms = null;
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(flag + " needs a value");
                }
                String value = args[++i];
                switch (flag) {
                    case "--steps" -> steps = Arrays.stream(value.split(",")).mapToInt(s -> Integer.parseInt(s.trim())).toArray();
                    case "--concurrency" -> concurrency = Integer.parseInt(value);
                    case "--edge-heap-mb" -> heapMb = Integer.parseInt(value);
                    case "--requests" -> requests = Integer.parseInt(value);
                    case "--step-timeout" -> stepTimeout = Duration.ofSeconds(Long.parseLong(value));
                    case "--storm" -> storm = Duration.ofSeconds(Long.parseLong(value));
                    case "--out" -> out = Path.of(value);
                    case "--domain" -> domain = value;
                    case "--histograms" -> histograms = Path.of(value);
                    default -> throw new IllegalArgumentException("unknown option " + flag
                            + " (use --steps, --concurrency, --edge-heap-mb, --requests, --step-timeout, --storm, --out, --domain, --histograms)");
                }
            }
            for (int i = 0; i < steps.length; i++) {
                if (steps[i] <= 0 || (i > 0 && steps[i] <= steps[i - 1])) {
                    throw new IllegalArgumentException("--steps must be positive and ascending, got " + Arrays.toString(steps));
                }
            }
            if (concurrency <= 0 || requests <= 0 || heapMb <= 0) {
                throw new IllegalArgumentException("--concurrency, --requests and --edge-heap-mb must be positive");
            }
            return new Options(steps, concurrency, heapMb, requests, stepTimeout, storm, out, domain, histograms);
        }
    }

    /**
     * One row of the table; {@code toolHeap} is the load generator's own heap after a full GC (every session's agent
     * side); {@code edgeCpuNanos} and {@code toolCpuNanos} the CPU time each process used while the step registered,
     * {@code edgeJitNanos} the part of the edge's that its JIT compiler threads used (-1: unknown).
     */
    record Step(int sessions, double registerSeconds, double sessionsPerSecond, EdgeFootprint.Sample footprint,
                LookupProbe.Result routed, LookupProbe.Result missing, long toolHeap, long edgeCpuNanos, long edgeJitNanos,
                long toolCpuNanos) {
        /** The edge's CPU without its JIT compiler threads; -1 when either is unknown. */
        long edgeCpuWithoutJitNanos() {
            return edgeCpuNanos < 0 || edgeJitNanos < 0 ? -1 : Math.max(0, edgeCpuNanos - edgeJitNanos);
        }
    }

    private final Options options;
    private final Vertx vertx = Vertx.vertx();
    private final ConcurrentLinkedQueue<BurrowSession> sessions = new ConcurrentLinkedQueue<>();

    private boolean closed;

    private SessionScaleTool(Options options) {
        this.options = options;
    }

    static String subdomain(int index) {
        return "s" + index;
    }

    /** The loopback address session {@code index} dials from: 127.0.0.2 for the first {@value #SESSIONS_PER_SOURCE}, then .3, … */
    static String sourceAddress(int index) {
        int source = 2 + index / SESSIONS_PER_SOURCE;
        if (source > 254) {
            throw new IllegalArgumentException("session " + index + " needs more than 253 source addresses");
        }
        return "127.0.0." + source;
    }

    /** The load generator's heap after a full GC: what its sessions cost, kept apart from the edge's figures. */
    static long toolHeapAfterGc() {
        System.gc();
        return java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** CPU time this JVM (the load generator) has used so far, in nanoseconds; -1 when the JVM does not say. */
    static long toolCpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : -1;
    }

    private static EdgeFootprint footprintOf(EdgeProcess edge) {
        Matcher ops = edge.process().stdoutLines().stream().map(OPS_LINE::matcher).filter(Matcher::find)
                .findFirst().orElseThrow(() -> new IllegalStateException("edge printed no ops port line"));
        return new EdgeFootprint(edge.process().pid(), ops.group(1), Integer.parseInt(ops.group(2)));
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("scale: " + e.getMessage());
            System.exit(2);
            return;
        }
        int status;
        try {
            status = new SessionScaleTool(options).run();
        } catch (Exception e) {
            System.err.println("scale: FAILED: " + e);
            e.printStackTrace();
            status = 1;
        }
        System.exit(status); // the harness's shutdown hook kills the edge if it still runs
    }

    private int run() throws Exception {
        int max = options.steps()[options.steps().length - 1];
        try (EdgeProcess edge = EdgeProcess.builder().name("scale-edge").heapMb(options.edgeHeapMb()).domain(options.domain())
                // heartbeats every minute: 10 000 idle links must not turn the measurement into a ping benchmark
                .heartbeatInterval("60s")
                // a loaded machine (the 2-core CI box running other JVMs) can take more than the default 20 s
                .startTimeout(Duration.ofSeconds(120)).start()) {
            EdgeFootprint footprint = footprintOf(edge);
            log("edge pid %d, heap -Xmx%dm, domain %s, http %d, tunnel %d; steps %s, %d connecting at once",
                    edge.process().pid(), options.edgeHeapMb(), options.domain(), edge.httpPort(), edge.tunnelPort(),
                    Arrays.toString(options.steps()), options.concurrency());
            List<Step> rows = new ArrayList<>();
            Storm storm = null;
            int failures = 0;
            try {
                try (LookupProbe probe = new LookupProbe(vertx, edge.httpPort(), options.domain())) {
                    // warm the edge's HTTP path (JIT) on 404s before the baseline, so the baseline holds the same code;
                    // about 3 s on a quiet machine, but more than 60 s at a load average of 25 on 2 cores
                    long warmStart = System.nanoTime();
                    await(probe.missing(WARMUP_REQUESTS), PROBE_TIMEOUT);
                    log("warm-up: %d requests in %.1f s", WARMUP_REQUESTS, (System.nanoTime() - warmStart) / 1e9);
                    EdgeFootprint.Sample baseline = footprint.sample();
                    rows.add(new Step(0, 0, 0, baseline, null, null, toolHeapAfterGc(), -1, -1, -1));
                    histogram(footprint, 0);
                    log("baseline: heap %s, RSS %s", mib(baseline.heapUsedAfterGc()), mib(baseline.rss()));
                    int registered = 0;
                    for (int target : options.steps()) {
                        long start = System.nanoTime();
                        long edgeCpuBefore = footprint.cpuNanos();
                        long edgeJitBefore = footprint.jitCpuNanos();
                        long toolCpuBefore = toolCpuNanos();
                        await(register(edge, registered, target), options.stepTimeout());
                        double seconds = (System.nanoTime() - start) / 1e9;
                        long edgeCpu = cpuSpent(edgeCpuBefore, footprint.cpuNanos());
                        long edgeJit = cpuSpent(edgeJitBefore, footprint.jitCpuNanos());
                        long toolCpu = cpuSpent(toolCpuBefore, toolCpuNanos());
                        int added = target - registered;
                        registered = target;
                        if (!edge.isAlive()) {
                            throw new IllegalStateException("the edge died (heap -Xmx" + options.edgeHeapMb() + "m):\n"
                                    + edge.process().tail(30));
                        }
                        EdgeFootprint.Sample sample = footprint.sample();
                        histogram(footprint, target);
                        await(probe.routed(target, WARMUP_REQUESTS), PROBE_TIMEOUT);
                        LookupProbe.Result routed = await(probe.routed(target, options.requests()), PROBE_TIMEOUT);
                        LookupProbe.Result missing = await(probe.missing(options.requests()), PROBE_TIMEOUT);
                        failures += routed.wrongStatus() + missing.wrongStatus();
                        Step row = new Step(target, seconds, added / seconds, sample, routed, missing, toolHeapAfterGc(),
                                edgeCpu, edgeJit, toolCpu);
                        rows.add(row);
                        log("%d sessions: +%d in %.1f s (edge CPU %.2f ms, %.2f ms without JIT, tool CPU %.2f ms per session);"
                                        + " edge links %d endpoints %d;"
                                        + " heap %s RSS %s; routed p50/p99 %.0f/%.0f us, 404 p50/p99 %.0f/%.0f us; tool heap %s",
                                target, added, seconds, edgeCpu / 1e6 / added, row.edgeCpuWithoutJitNanos() / 1e6 / added,
                                toolCpu / 1e6 / added, sample.links(),
                                sample.endpoints(), mib(sample.heapUsedAfterGc()), mib(sample.rss()), routed.p50Micros(),
                                routed.p99Micros(), missing.p50Micros(), missing.p99Micros(), mib(row.toolHeap()));
                        if (sample.endpoints() >= 0 && sample.endpoints() != target) {
                            log("WARNING: the edge counts %d endpoints, expected %d", sample.endpoints(), target);
                            failures++;
                        }
                    }
                }
                if (!options.storm().isZero()) {
                    storm = storm(edge, max);
                    failures += storm.failures();
                }
            } finally {
                closeAll(); // the sessions first, so that none of them sees the edge go away and redials
            }
            String table = ScaleReport.markdown(rows, options.edgeHeapMb(), max)
                    + (storm == null ? "" : ScaleReport.storm(storm, rows.get(rows.size() - 1)));
            System.out.println();
            System.out.println(table);
            if (options.out() != null) {
                Files.createDirectories(options.out().toAbsolutePath().getParent());
                Files.writeString(options.out(), table);
            }
            if (!edge.isAlive()) {
                log("the edge died before the end");
                failures++;
            }
            if (!ScaleReport.heapGuardHolds(rows)) {
                // heap after a full GC is steady from run to run, so this one fails the run; the latency verdict
                // depends on what else the machine does and is reported only
                log("the heap guard does not hold (see ScaleReport.heapGuardHolds)");
                failures++;
            }
            return failures == 0 ? 0 : 1;
        } finally {
            closeAll();
        }
    }

    /** The storm and, once every session is back, the node's footprint and lookups (on the new process). */
    record Storm(ReconnectStorm.Result result, EdgeFootprint.Sample footprint, LookupProbe.Result routed,
                 LookupProbe.Result missing, long connectedSessions) {
        int failures() {
            int wrong = routed == null ? 0 : routed.wrongStatus() + missing.wrongStatus();
            return wrong + (result.complete() && connectedSessions == result.sessions() ? 0 : 1);
        }
    }

    private Storm storm(EdgeProcess edge, int sessionCount) throws Exception {
        ReconnectStorm.Result result = ReconnectStorm.run(edge, sessionCount, options.storm(), SessionScaleTool::footprintOf);
        long connected = sessions.stream().filter(BurrowSession::isConnected).count();
        if (!result.complete()) {
            log("storm: only %,d of %,d endpoints back after %s; %,d sessions connected", result.endpointsBack(),
                    sessionCount, options.storm(), connected);
            return new Storm(result, null, null, null, connected);
        }
        EdgeFootprint.Sample sample = footprintOf(edge).sample();
        try (LookupProbe probe = new LookupProbe(vertx, edge.httpPort(), options.domain())) {
            await(probe.routed(sessionCount, WARMUP_REQUESTS), PROBE_TIMEOUT);
            LookupProbe.Result routed = await(probe.routed(sessionCount, options.requests()), PROBE_TIMEOUT);
            LookupProbe.Result missing = await(probe.missing(options.requests()), PROBE_TIMEOUT);
            log("storm: %,d sessions connected; heap %s RSS %s; routed p50/p99 %.0f/%.0f us, 404 p50/p99 %.0f/%.0f us",
                    connected, mib(sample.heapUsedAfterGc()), mib(sample.rss()), routed.p50Micros(), routed.p99Micros(),
                    missing.p50Micros(), missing.p99Micros());
            return new Storm(result, sample, routed, missing, connected);
        }
    }

    private static long cpuSpent(long before, long after) {
        return before < 0 || after < 0 ? -1 : after - before;
    }

    /** With --histograms, the edge's class histogram at {@code sessions} sessions (histo-N.txt). */
    private void histogram(EdgeFootprint footprint, int sessions) {
        if (options.histograms() != null) {
            footprint.classHistogram(options.histograms().resolve("histo-" + sessions + ".txt"));
        }
    }

    /** Opens sessions [from, to) with at most {@code concurrency} connecting at once; fails on the first failure. */
    private Future<Void> register(EdgeProcess edge, int from, int to) {
        AtomicInteger next = new AtomicInteger(from);
        AtomicInteger done = new AtomicInteger(from);
        Promise<Void> all = Promise.promise();
        int workers = Math.min(options.concurrency(), to - from);
        for (int w = 0; w < workers; w++) {
            openNext(edge, next, done, to, all);
        }
        return all.future();
    }

    private void openNext(EdgeProcess edge, AtomicInteger next, AtomicInteger done, int to, Promise<Void> all) {
        int index = next.getAndIncrement();
        if (index >= to || all.future().isComplete()) {
            return;
        }
        BurrowSession.builder(vertx).serverAddress(edge.serverAddress()).authtoken(edge.authtoken())
                .edgeCa(edge.caPath()).links(1).connectTimeout(Duration.ofSeconds(30)).localAddress(sourceAddress(index))
                .connect()
                .compose(session -> {
                    sessions.add(session);
                    return session.httpEndpoint().subdomain(subdomain(index)).listen();
                })
                .onComplete(ar -> {
                    if (ar.failed()) {
                        all.tryFail(new IllegalStateException("session " + index + " failed to register: " + ar.cause(),
                                ar.cause()));
                        return;
                    }
                    ar.result().connectionHandler(SessionScaleTool::answer);
                    int finished = done.incrementAndGet();
                    if (finished % 1000 == 0) {
                        log("  %d sessions registered", finished);
                    }
                    if (finished == to) {
                        all.tryComplete();
                    } else {
                        openNext(edge, next, done, to, all);
                    }
                });
    }

    /** The idle agent's whole application: 200 "ok" to every exchange. */
    private static void answer(TunnelConnection connection) {
        connection.handler(ignored -> { });
        connection.exceptionHandler(ignored -> { });
        connection.writeHeaders(ANSWER_HEAD).compose(v -> connection.end(ANSWER));
    }

    private void closeAll() {
        if (closed) {
            return;
        }
        closed = true;
        log("closing %d sessions", sessions.size());
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            log("closing the agent side: %s", e);
        }
    }

    private static <T> T await(Future<T> future, Duration timeout) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / 1048576.0);
    }

    static void log(String format, Object... args) {
        System.err.printf("[scale %tT] %s%n", System.currentTimeMillis(), String.format(format, args));
    }
}
