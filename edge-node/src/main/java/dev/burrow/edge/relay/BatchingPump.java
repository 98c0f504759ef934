package dev.burrow.edge.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Moves bytes from a {@link ReadStream} on one event loop to a {@link WriteStream} on another, handing them over
 * in batches: whatever the source delivers while a hand-over is pending rides along with it, so a response whose
 * head, body and end arrive in one read of the agent link crosses to the client connection's loop in a single
 * task instead of one per piece. Tasks queued with {@link #runOnTarget(Runnable)} keep their place in that order.
 *
 * <p>Backpressure, both bounded: the source pauses itself once {@code maxInFlight} bytes wait for the target loop,
 * and the target pauses the source when it is full: its own write queue says so, or {@code maxInFlight} bytes were
 * written to it and their writes have not completed (Vert.x 5 counts the messages queued behind an unwritable
 * socket, not their bytes: 16 batches of a download held 3.5 MiB). What was handed over meanwhile waits in the
 * pump until the target drained (it is not written into a full target). The source resumes once the target drained
 * and the hand-over queue is down to half. Memory per pump: the target's write queue (its limit plus one batch) plus
 * {@code maxInFlight} plus one source buffer.
 *
 * <p>The pump takes over the source's data and end handlers and the target's drain handler. It does not end the
 * target: {@code onEnd} runs on the target loop after the last buffer was written, and decides.
 *
 * <p>A pump made with a {@code release} gives each buffer to it once the target is done with it: when its write (or the
 * end that carried it) completed or failed, or when the pump dropped it (cancelled). That is how pooled buffers of a
 * stream that takes pooled payloads go back to their pool.
 *
 * <p>A target that throws instead of failing the write's future (a Vert.x response that was already ended) fails the
 * pump: the buffers of that write and all that were or will be handed over go to the release, the source is paused,
 * and the {@link #onFailure failure handler} is told, on the target loop, so that its owner can reset the source.
 */
public final class BatchingPump {
    /** Default bound on the bytes handed over and not yet written to the target. */
    public static final int DEFAULT_MAX_IN_FLIGHT = 256 * 1024;
    private static final Object END = new Object();

    private final ReadStream<Buffer> source;
    private final Context sourceContext;
    private final WriteStream<Buffer> target;
    private final Context targetContext;
    private final Function<Buffer, Future<?>> onEnd;
    private final Consumer<Buffer> release;
    private final int maxInFlight;
    private volatile Consumer<Throwable> failureHandler = error -> { };

    // guarded by this
    private final ArrayDeque<Object> handOver = new ArrayDeque<>();
    private int inFlight;
    private boolean drainScheduled;
    private boolean sourcePaused;
    private boolean targetFull;
    private boolean cancelled;
    /** Target loop only: bytes written to the target whose writes have not completed. */
    private long writing;
    /** Target loop only: the end was handed to {@code onEnd}; the target may be closed now. */
    private boolean ended;

    private BatchingPump(ReadStream<Buffer> source, Context sourceContext, WriteStream<Buffer> target, Context targetContext,
                         Function<Buffer, Future<?>> onEnd, Consumer<Buffer> release, int maxInFlight) {
        this.source = source;
        this.sourceContext = sourceContext;
        this.target = target;
        this.targetContext = targetContext;
        this.onEnd = onEnd;
        this.release = release;
        this.maxInFlight = maxInFlight;
    }

    /**
     * Creates a pump; nothing flows until {@link #start()}. Call on {@code sourceContext}.
     *
     * @param onEnd runs on {@code targetContext} once the source ended and every buffer but the last was handed to
     *              the target; it gets that last buffer when it came in the same batch as the end (so that the
     *              target can write it together with its end, in one write), or null, and returns the future of
     *              that last write
     */
    public static BatchingPump create(ReadStream<Buffer> source, Context sourceContext, WriteStream<Buffer> target,
                                      Context targetContext, Function<Buffer, Future<?>> onEnd) {
        return new BatchingPump(source, sourceContext, target, targetContext, onEnd, null, DEFAULT_MAX_IN_FLIGHT);
    }

    /** Like {@link #create}, giving every buffer to {@code release} once the target is done with it (see above). */
    public static BatchingPump releasing(ReadStream<Buffer> source, Context sourceContext, WriteStream<Buffer> target,
                                         Context targetContext, Function<Buffer, Future<?>> onEnd, Consumer<Buffer> release) {
        return new BatchingPump(source, sourceContext, target, targetContext, onEnd, release, DEFAULT_MAX_IN_FLIGHT);
    }

    /** Called once, on the target loop, when the target threw on a write or on the end; before {@link #start()}. */
    public BatchingPump onFailure(Consumer<Throwable> handler) {
        this.failureHandler = handler;
        return this;
    }

    /** Queues a task for the target loop, behind what was handed over so far. Any thread. */
    public BatchingPump runOnTarget(Runnable task) {
        enqueue(task, 0);
        return this;
    }

    /** Drops what is handed over and not yet written, and writes nothing more (the target failed). Target loop. */
    public void cancel() {
        Object[] dropped;
        synchronized (this) {
            cancelled = true;
            dropped = handOver.toArray();
            handOver.clear();
            inFlight = 0;
        }
        for (Object item : dropped) {
            if (item instanceof Buffer data) {
                released(data);
            }
        }
    }

    /** Installs the handlers and resumes the source. Call on {@code sourceContext}. */
    public BatchingPump start() {
        target.drainHandler(v -> onTargetDrained());
        source.endHandler(v -> enqueue(END, 0));
        source.handler(data -> enqueue(data, data.length()));
        source.resume();
        return this;
    }

    private void enqueue(Object item, int bytes) {
        boolean schedule;
        boolean pause = false;
        synchronized (this) {
            if (cancelled) {
                if (item instanceof Buffer data) {
                    released(data);
                }
                return;
            }
            handOver.add(item);
            inFlight += bytes;
            schedule = !drainScheduled;
            drainScheduled = true;
            // Also while a pause from the target loop is on its way: until it lands, the source would hand over all
            // that its stream holds (and return its sender the credit for it).
            if (bytes > 0 && inFlight >= maxInFlight) {
                sourcePaused = true;
                pause = true;
            }
        }
        if (pause) {
            source.pause();
        }
        if (schedule) {
            // Posted even on the same loop: what the rest of this read delivers joins the batch.
            targetContext.runOnContext(v -> drain());
        }
    }

    /**
     * On the target loop: writes everything handed over so far, in order. Buffers that follow each other go out as one
     * write (a composite of them, no copy), so that the target flushes once per batch: a socket then makes one system
     * call and wakes its reader once for what one read of the link brought, not once per DATA frame.
     */
    private void drain() {
        if (targetFull() && holdWhileTargetFull()) {
            return;
        }
        List<Buffer> run = new ArrayList<>();
        while (true) {
            Object item;
            boolean last = false;
            synchronized (this) {
                item = cancelled ? null : handOver.poll();
                if (item == null) {
                    drainScheduled = false;
                } else if (item instanceof Buffer data) {
                    inFlight -= data.length();
                    if (handOver.peek() == END) {
                        handOver.poll();
                        last = true;
                    }
                }
            }
            if (item instanceof Buffer data && !last) {
                run.add(data);
                continue;
            }
            writeRun(run);
            if (item == null) {
                break;
            }
            if (isCancelled()) {
                // The write before it threw: this item goes too.
                if (item instanceof Buffer data) {
                    released(data);
                }
                break;
            }
            if (last) {
                ended = true;
                Buffer data = (Buffer) item;
                whenDone(attempt(() -> onEnd.apply(data)), List.of(data));
            } else if (item == END) {
                ended = true;
                attempt(() -> onEnd.apply(null));
            } else {
                Runnable task = (Runnable) item;
                attempt(() -> {
                    task.run();
                    return null;
                });
            }
        }
        synchronized (this) {
            if (ended || cancelled) {
                return;
            }
        }
        if (targetFull()) {
            boolean pause;
            synchronized (this) {
                targetFull = true;
                pause = !sourcePaused;
                sourcePaused = true;
            }
            if (pause) {
                Contexts.run(sourceContext, source::pause);
            }
        } else {
            resumeIfDue(false);
        }
    }

    /** The target is full: what was handed over stays here, the source pauses, and the target's drain resumes both. */
    private boolean holdWhileTargetFull() {
        boolean pause;
        synchronized (this) {
            if (ended || cancelled) {
                return false;
            }
            drainScheduled = false;
            targetFull = true;
            pause = !sourcePaused;
            sourcePaused = true;
        }
        if (pause) {
            Contexts.run(sourceContext, source::pause);
        }
        return true;
    }

    private boolean targetFull() {
        return writing >= maxInFlight || target.writeQueueFull();
    }

    private synchronized boolean isCancelled() {
        return cancelled;
    }

    /**
     * Runs a write (or the end, or a task) on the target loop; one that throws fails the pump (see the class comment) and
     * counts as a failed write, so that the buffers it carried are released like those of any failed write.
     */
    private Future<?> attempt(Supplier<Future<?>> write) {
        try {
            return write.get();
        } catch (RuntimeException e) {
            fail(e);
            return Future.failedFuture(e);
        }
    }

    private void fail(RuntimeException error) {
        if (isCancelled()) {
            return;
        }
        cancel();
        Contexts.run(sourceContext, source::pause);
        failureHandler.accept(error);
    }

    /** Writes the buffers of {@code run} as one, then empties it. */
    private void writeRun(List<Buffer> run) {
        if (run.isEmpty()) {
            return;
        }
        List<Buffer> parts = List.copyOf(run);
        run.clear();
        int bytes = parts.stream().mapToInt(Buffer::length).sum();
        writing += bytes;
        Future<?> write = attempt(() -> target.write(parts.size() == 1 ? parts.get(0) : joined(parts)));
        whenDone(write, parts);
        write.onComplete(ar -> written(bytes));
    }

    /** A write completed (on the target loop): once half of the bound is free again, the target counts as drained. */
    private void written(int bytes) {
        writing -= bytes;
        if (writing < maxInFlight / 2 && isHeld() && !target.writeQueueFull()) {
            onTargetDrained();
        }
    }

    private synchronized boolean isHeld() {
        return targetFull;
    }

    /** The buffers as one, by reference: a composite of Vert.x's views of them (each part stays its owner's to release). */
    private static Buffer joined(List<Buffer> parts) {
        ByteBuf[] views = new ByteBuf[parts.size()];
        for (int i = 0; i < views.length; i++) {
            views[i] = ((BufferInternal) parts.get(i)).getByteBuf();
        }
        return BufferInternal.buffer(Unpooled.wrappedBuffer(views.length, views));
    }

    /** Gives the {@code parts} to the release once {@code write} completed (or failed). */
    private void whenDone(Future<?> write, List<Buffer> parts) {
        if (release != null) {
            write.onComplete(ar -> parts.forEach(release));
        }
    }

    private void released(Buffer data) {
        if (release != null) {
            release.accept(data);
        }
    }

    private void onTargetDrained() {
        if (ended) {
            return;
        }
        boolean held;
        synchronized (this) {
            held = !drainScheduled && !cancelled && !handOver.isEmpty();
            if (held) {
                drainScheduled = true;
            }
        }
        if (held) {
            targetContext.runOnContext(v -> drain());
        }
        resumeIfDue(true);
    }

    private void resumeIfDue(boolean drained) {
        boolean resume;
        synchronized (this) {
            if (drained) {
                targetFull = false;
            }
            resume = sourcePaused && !targetFull && inFlight <= maxInFlight / 2;
            if (resume) {
                sourcePaused = false;
            }
        }
        if (resume) {
            Contexts.run(sourceContext, source::resume);
        }
    }
}
