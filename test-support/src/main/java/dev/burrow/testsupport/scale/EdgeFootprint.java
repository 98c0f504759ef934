package dev.burrow.testsupport.scale;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Measures an edge process from outside: heap used after a full GC ({@code jcmd PID GC.run}, then
 * {@code GC.heap_info}), resident set size ({@code VmRSS} of {@code /proc/PID/status}), open file descriptors, and
 * the edge's own gauges ({@code burrow_agent_links}, {@code burrow_endpoints}) from its ops port; its CPU time and
 * class histogram on demand.
 */
public final class EdgeFootprint {

    /** One reading. Sizes in bytes; gauges are -1 when the ops port did not answer. */
    public record Sample(long heapUsedAfterGc, long rss, int openFds, long links, long endpoints, String loadAverage) {
    }

    /** "def new generation   total 78656K, used 1234K", "tenured generation total …, used …K", G1's "garbage-first heap … used …K". */
    private static final Pattern HEAP_USED = Pattern.compile(
            "^\\s*(?:def new generation|tenured generation|garbage-first heap|PSYoungGen|ParOldGen)\\b.*?\\bused (\\d+)K");
    private static final Pattern THREADS_STARTED = Pattern.compile("(?m)^java\\.threads\\.started=(\\d+)$");
    private static final Pattern RSS = Pattern.compile("^VmRSS:\\s+(\\d+) kB");
    private static final Duration JCMD_TIMEOUT = Duration.ofSeconds(60);
    /** Linux's USER_HZ, the unit of the CPU times in /proc/PID/stat (100 on every mainstream architecture). */
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    private final long pid;
    private final URI metrics;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public EdgeFootprint(long pid, String opsHost, int opsPort) {
        this.pid = pid;
        this.metrics = URI.create("http://" + opsHost + ":" + opsPort + "/metrics");
    }

    /** Runs a full GC in the edge first, then reads; takes a few hundred milliseconds. */
    public Sample sample() {
        jcmd("GC.run");
        long heap = heapUsed(jcmd("GC.heap_info"));
        return new Sample(heap, rss(), openFds(), gauge("burrow_agent_links"), gauge("burrow_endpoints"), loadAverage());
    }

    /** How many threads the process has started since it began (the JVM's {@code java.threads.started} counter). */
    public long threadsStarted() {
        Matcher m = THREADS_STARTED.matcher(jcmd("PerfCounter.print"));
        if (!m.find()) {
            throw new IllegalStateException("no java.threads.started in jcmd " + pid + " PerfCounter.print");
        }
        return Long.parseLong(m.group(1));
    }

    private long heapUsed(String heapInfo) {
        long usedKb = 0;
        boolean found = false;
        for (String line : heapInfo.split("\n")) {
            Matcher m = HEAP_USED.matcher(line);
            if (m.find()) {
                usedKb += Long.parseLong(m.group(1));
                found = true;
            }
        }
        if (!found) {
            throw new IllegalStateException("no heap 'used' figure in jcmd " + pid + " GC.heap_info:\n" + heapInfo);
        }
        return usedKb * 1024;
    }

    private long rss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                Matcher m = RSS.matcher(line);
                if (m.find()) {
                    return Long.parseLong(m.group(1)) * 1024;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/" + pid + "/status: " + e, e);
        }
        throw new IllegalStateException("no VmRSS in /proc/" + pid + "/status");
    }

    /** The machine's 1-minute load average: timings taken while other work runs on the same cores mean less. */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /**
     * CPU time the edge process has used so far (user + system, {@code /proc/PID/stat}), in nanoseconds: the edge's own
     * cost of what happened between two readings, apart from the load generator's on the same cores.
     */
    public long cpuNanos() {
        try {
            return cpuTicks(Files.readString(Path.of("/proc/" + pid + "/stat"))) * (1_000_000_000L / CLOCK_TICKS_PER_SECOND);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * CPU time the edge's JIT compiler threads (C1, C2) have used so far, in nanoseconds; -1 when {@code /proc} does not
     * say. A step's CPU without it is what registering costs once the code is compiled: a step of a few thousand
     * sessions still runs while C2 compiles (40 % of the edge's CPU samples in a profile of the second step). A compiler
     * thread that exits takes its time with it, so the figure without JIT can only come out high, never low.
     */
    public long jitCpuNanos() {
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            long ticks = 0;
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException threadEnded) {
                    continue;
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                    ticks += cpuTicks(stat);
                }
            }
            return ticks * (1_000_000_000L / CLOCK_TICKS_PER_SECOND);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** utime + stime of a {@code stat} line of /proc, in clock ticks. */
    private static long cpuTicks(String stat) {
        // the command name (field 2) may hold spaces; fields after it are plain numbers: utime is 14th, stime 15th
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /**
     * Writes the edge's class histogram ({@code jcmd PID GC.class_histogram}, which runs a full GC first) to
     * {@code file}: what the heap holds, by class, to compare two steps.
     */
    public void classHistogram(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, jcmd("GC.class_histogram"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + file + ": " + e, e);
        }
    }

    private int openFds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return (int) fds.count();
        } catch (IOException e) {
            return -1;
        }
    }

    /** The sum of every series of {@code name} on the ops port's /metrics, or -1. */
    long gauge(String name) {
        String body;
        try {
            body = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
        double sum = 0;
        boolean found = false;
        for (String line : body.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                found = true;
            }
        }
        return found ? Math.round(sum) : -1;
    }

    private String jcmd(String command) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        String exe = Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd";
        ProcessBuilder pb = new ProcessBuilder(List.of(exe, Long.toString(pid), command)).redirectErrorStream(true);
        try {
            Process p = pb.start();
            byte[] out;
            try (InputStream in = p.getInputStream()) {
                out = in.readAllBytes();
            }
            if (!p.waitFor(JCMD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("jcmd " + pid + " " + command + " did not finish in " + JCMD_TIMEOUT);
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException("jcmd " + pid + " " + command + " exited " + p.exitValue() + ":\n" + text);
            }
            return text;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run jcmd (" + exe + "): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running jcmd", e);
        }
    }
}
