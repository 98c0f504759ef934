package dev.burrow.edge;

/**
 * Keeps Hazelcast's asynchronous callbacks on a pool. Hazelcast runs the continuations of its async map operations on
 * {@code ForkJoinPool.commonPool()}, except when that pool has a single thread (the JDK gives it cores − 1, so on a
 * one- or two-core machine), where it starts a new thread for every callback instead: every registry and tenancy
 * read or write of the node then costs a thread's creation (tens of thousands of them while agents register).
 * The common pool reads its size once, when it is first used, so this must run before anything touches it.
 */
final class AsyncCallbackPool {
    static final String PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";
    /** The common pool's size on small machines: enough that Hazelcast keeps to the pool. */
    static final int SMALL_MACHINE_PARALLELISM = 2;

    private AsyncCallbackPool() {
    }

    /** Sizes the common pool to two threads when the JDK would give it one and the operator did not choose. */
    static void keepCallbacksPooled() {
        if (System.getProperty(PARALLELISM) == null
                && Runtime.getRuntime().availableProcessors() - 1 < SMALL_MACHINE_PARALLELISM) {
            System.setProperty(PARALLELISM, Integer.toString(SMALL_MACHINE_PARALLELISM));
        }
    }
}
