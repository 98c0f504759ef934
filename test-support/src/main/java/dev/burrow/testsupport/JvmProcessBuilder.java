package dev.burrow.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What every process builder of the harness takes: the heap, how long the start may take, and extra command-line
 * and JVM arguments. {@code B} is the concrete builder, so the setters chain with its own.
 */
public abstract class JvmProcessBuilder<B extends JvmProcessBuilder<B>> {
    /**
     * Both the edge's and the agent's start, on a loaded 2-core machine: an edge alone is ready in 3-6 s, but with
     * several JVMs starting at once (cluster and region tests) Hazelcast's start alone took over 20 s. Stretched by
     * {@link MachineLoad} when the machine is busier than that.
     */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);

    int heapMb = 256;
    Duration startTimeout = DEFAULT_START_TIMEOUT;
    final List<String> extraArgs = new ArrayList<>();
    final List<String> jvmArgs = new ArrayList<>();

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    public B heapMb(int heapMb) {
        this.heapMb = heapMb;
        return self();
    }

    public B startTimeout(Duration timeout) {
        this.startTimeout = timeout;
        return self();
    }

    /** Extra command-line arguments, after the ones the builder makes. */
    public B arg(String... args) {
        extraArgs.addAll(List.of(args));
        return self();
    }

    public B jvmArg(String... args) {
        jvmArgs.addAll(List.of(args));
        return self();
    }
}
