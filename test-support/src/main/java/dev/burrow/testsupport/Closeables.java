package dev.burrow.testsupport;

/** Closing several things in one @AfterAll: every one is closed even if another fails; nulls are skipped. */
public final class Closeables {

    private Closeables() {
    }

    /** Closes in the order given; the first failure is rethrown after all were tried, the rest are suppressed. */
    public static void closeAll(AutoCloseable... resources) {
        RuntimeException failure = null;
        for (AutoCloseable r : resources) {
            if (r == null) {
                continue;
            }
            try {
                r.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("closing " + r + " failed", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** A Vert.x instance as an AutoCloseable, for {@link #closeAll}. */
    public static AutoCloseable of(io.vertx.core.Vertx vertx) {
        return vertx == null ? null : () -> Await.result(vertx.close(), java.time.Duration.ofSeconds(10), "close vertx");
    }
}
