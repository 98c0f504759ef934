package dev.burrow.edge.relay;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;

/**
 * Moves bytes from a {@link ReadStream} to a {@link WriteStream} with backpressure when the two belong to different
 * event loops (a public connection and an agent link). Each buffer is written on the writer's loop and the
 * writer's {@code writeQueueFull()} is checked there, right after the write, so the decision to pause and the drain
 * that resumes happen in order; pause and resume then run on the reader's loop. Memory stays bounded by the
 * writer's queue plus what is in flight between the loops.
 *
 * <p>The pump takes over the reader's data and end handlers and the writer's drain handler. It does not end the
 * writer: {@code onEnd} runs on the writer's loop after the last buffer was written, and decides.
 */
public final class Pump {
    private final ReadStream<Buffer> source;
    private final Context sourceContext;
    private final WriteStream<Buffer> target;
    private final Context targetContext;

    private Pump(ReadStream<Buffer> source, Context sourceContext, WriteStream<Buffer> target, Context targetContext) {
        this.source = source;
        this.sourceContext = sourceContext;
        this.target = target;
        this.targetContext = targetContext;
    }

    /**
     * Starts pumping. Call on {@code sourceContext}.
     *
     * @param onEnd runs on {@code targetContext} once the source ended and every buffer was handed to the target
     */
    public static Pump start(ReadStream<Buffer> source, Context sourceContext, WriteStream<Buffer> target,
                             Context targetContext, Runnable onEnd) {
        Pump pump = new Pump(source, sourceContext, target, targetContext);
        target.drainHandler(v -> Contexts.run(sourceContext, source::resume));
        source.endHandler(v -> Contexts.run(targetContext, onEnd));
        source.handler(pump::onData);
        source.resume();
        return pump;
    }

    private void onData(Buffer data) {
        Contexts.run(targetContext, () -> {
            target.write(data);
            if (target.writeQueueFull()) {
                Contexts.run(sourceContext, source::pause);
            }
        });
    }
}
