package dev.burrow.testsupport;

import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * How much slower than usual this machine runs right now, read from the load average: waits for a process to start
 * are stretched by it, so that a machine busy with other work makes the suite slower instead of red.
 *
 * <p>The base bounds were measured with the suite's own load (up to about two runnable threads per core while a
 * test starts several JVMs), so the factor is 1 up to that load and grows with the load beyond it, at most
 * {@link #MAX_FACTOR} times: on this project's 2-core machines an edge took 3-6 s to start idle, 20-40 s at a load
 * of 8 and over 60 s at a load of 30. {@code -Dburrow.test.slowdown=F} forces the factor.
 */
public final class MachineLoad {
    static final double MAX_FACTOR = 4;
    private static final double LOAD_PER_CORE_OF_THE_SUITE_ITSELF = 2;

    private MachineLoad() {
    }

    /** The factor now: 1 on a machine that runs only the suite, up to {@link #MAX_FACTOR}. */
    public static double slowdown() {
        String forced = System.getProperty("burrow.test.slowdown");
        if (forced != null && !forced.isBlank()) {
            return Math.max(1, Double.parseDouble(forced.trim()));
        }
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        if (load < 0) {
            return 1;  // not available on this platform
        }
        int cores = Runtime.getRuntime().availableProcessors();
        return Math.max(1, Math.min(MAX_FACTOR, load / (LOAD_PER_CORE_OF_THE_SUITE_ITSELF * cores)));
    }

    /** {@code base} stretched by the current {@link #slowdown()}. */
    public static Duration scaled(Duration base) {
        return Duration.ofMillis((long) (base.toMillis() * slowdown()));
    }
}
