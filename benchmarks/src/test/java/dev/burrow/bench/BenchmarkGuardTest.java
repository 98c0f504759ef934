package dev.burrow.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openjdk.jmh.infra.Blackhole;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The short form of the micro-benchmarks, run by {@code mvn verify} as a regression guard. It calls the JMH
 * benchmarks' own methods and checks what a busy machine cannot disturb: the bytes allocated per operation (by the
 * calling thread; for the multiplexer's round trip, by every thread of the JVM, since its work runs on event loops),
 * against the ceilings in {@code benchmark-ceilings.properties}. A copy of a payload added to the path, a head encoded
 * twice or a buffer per frame shows there at once, whatever the load. The time per operation (the best of many short
 * rounds: the calling thread's CPU time, wall-clock for the round trip) is printed beside it, for the record: on a
 * machine others are loading it moves several-fold between runs, so it is not asserted. The long form, with times,
 * is JMH proper (docs/benchmarks.md, "Micro-benchmarks").
 */
class BenchmarkGuardTest {
    private static final int ROUNDS = 300;
    private static final long ROUND_NANOS = TimeUnit.MICROSECONDS.toNanos(500);
    /** Warm-up: until the calling thread has used this much CPU (the JIT compiles the path), within the wall bound. */
    private static final long WARM_UP_CPU_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    private static final long WARM_UP_WALL_NANOS = TimeUnit.SECONDS.toNanos(20);
    private static final int ALLOCATION_OPS = 1_000;

    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private final Blackhole blackhole = new Blackhole(
            "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");

    @FunctionalInterface
    private interface Operation {
        void run() throws Exception;
    }

    private record Figure(String name, long bytesPerOp, double nanosPerOp, String clock) {
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void noPerRequestPathAllocatesMoreThanItsCeiling() throws Exception {
        List<Figure> figures = new ArrayList<>();
        CalibrationBenchmark calibration = new CalibrationBenchmark();
        calibration.setUp();
        figures.add(onThisThread("CalibrationBenchmark.sha256OfOneKiB", () -> blackhole.consume(calibration.sha256OfOneKiB())));
        FrameCodecBenchmark codec = new FrameCodecBenchmark();
        codec.setUp();
        figures.add(onThisThread("FrameCodecBenchmark.exchangeFrames", () -> codec.exchangeFrames(blackhole)));
        figures.add(onThisThread("FrameCodecBenchmark.bulkDataFrame", () -> codec.bulkDataFrame(blackhole)));
        HeaderPathBenchmark heads = new HeaderPathBenchmark();
        figures.add(onThisThread("HeaderPathBenchmark.requestHead", () -> blackhole.consume(heads.requestHead())));
        figures.add(onThisThread("HeaderPathBenchmark.responseHead", () -> blackhole.consume(heads.responseHead())));
        MultiplexerBenchmark mux = new MultiplexerBenchmark();
        mux.connect();
        try {
            figures.add(acrossThreads("MultiplexerBenchmark.exchange", () -> blackhole.consume(mux.exchange())));
        } finally {
            mux.close();
        }

        Properties ceilings = ceilings();
        List<String> over = new ArrayList<>();
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%n%-38s %12s %12s %10s %-5s%n", "benchmark",
                "bytes/op", "ceiling", "ns/op", "clock"));
        for (Figure figure : figures) {
            String ceiling = ceilings.getProperty(figure.name());
            table.append(String.format(Locale.ROOT, "%-38s %12d %12s %10.0f %-5s%n", figure.name(), figure.bytesPerOp(),
                    ceiling == null ? "-" : ceiling, figure.nanosPerOp(), figure.clock()));
            if (ceiling != null && figure.bytesPerOp() > Long.parseLong(ceiling)) {
                over.add(figure.name() + ": " + figure.bytesPerOp() + " bytes per operation, ceiling " + ceiling);
            }
        }
        System.out.println(table);
        assertEquals(figures.size(), ceilings.size(), "every benchmark needs a ceiling: " + table);
        assertTrue(over.isEmpty(), "allocates more than allowed: " + over + table);
    }

    private Figure onThisThread(String name, Operation operation) throws Exception {
        warmUp(operation);
        long bytes = allocatedPerOp(operation, threads::getCurrentThreadAllocatedBytes);
        return new Figure(name, bytes, best(operation, threads::getCurrentThreadCpuTime), "cpu");
    }

    private Figure acrossThreads(String name, Operation operation) throws Exception {
        warmUp(operation);
        long bytes = allocatedPerOp(operation, () -> Arrays.stream(threads.getThreadAllocatedBytes(threads.getAllThreadIds()))
                .filter(b -> b > 0).sum());
        return new Figure(name, bytes, best(operation, System::nanoTime), "wall");
    }

    private void warmUp(Operation operation) throws Exception {
        long cpuStart = threads.getCurrentThreadCpuTime();
        long wallStart = System.nanoTime();
        while (threads.getCurrentThreadCpuTime() - cpuStart < WARM_UP_CPU_NANOS && System.nanoTime() - wallStart < WARM_UP_WALL_NANOS) {
            operation.run();
        }
    }

    private static long allocatedPerOp(Operation operation, LongSupplier allocated) throws Exception {
        long before = allocated.getAsLong();
        for (int i = 0; i < ALLOCATION_OPS; i++) {
            operation.run();
        }
        return (allocated.getAsLong() - before) / ALLOCATION_OPS;
    }

    /** The best of {@link #ROUNDS} rounds of about {@link #ROUND_NANOS}: short enough that some run unpreempted. */
    private static double best(Operation operation, LongSupplier clock) throws Exception {
        long probeStart = System.nanoTime();
        long probeOps = 0;
        while (System.nanoTime() - probeStart < ROUND_NANOS * 10) {
            operation.run();
            probeOps++;
        }
        long opsPerRound = Math.max(1, probeOps / 10);
        double best = Double.MAX_VALUE;
        for (int round = 0; round < ROUNDS; round++) {
            long start = clock.getAsLong();
            for (long i = 0; i < opsPerRound; i++) {
                operation.run();
            }
            best = Math.min(best, (double) (clock.getAsLong() - start) / opsPerRound);
        }
        return best;
    }

    private static Properties ceilings() throws IOException {
        Properties ceilings = new Properties();
        try (InputStream in = BenchmarkGuardTest.class.getResourceAsStream("/benchmark-ceilings.properties")) {
            ceilings.load(in);
        }
        return ceilings;
    }
}
