package dev.burrow.edge.relay;

import io.vertx.core.Context;
import io.vertx.core.internal.ContextInternal;

/** Running work on the event loop that owns an object. */
public final class Contexts {
    private Contexts() {
    }

    /** Runs {@code task} now when the caller is on {@code context}'s event loop, else posts it there (in call order). */
    public static void run(Context context, Runnable task) {
        if (((ContextInternal) context).nettyEventLoop().inEventLoop()) {
            task.run();
        } else {
            context.runOnContext(v -> task.run());
        }
    }
}
