package dev.burrow.edge.relay;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchingPumpTest {
    private Vertx vertx;
    private Context sourceContext;
    private Context targetContext;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        sourceContext = ((VertxInternal) vertx).createEventLoopContext();
        targetContext = ((VertxInternal) vertx).createEventLoopContext();
    }

    @AfterEach
    void tearDown() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void headBodyAndEndCrossInOrderAndTheLastBufferGoesWithTheEnd() throws Exception {
        FakeSource source = new FakeSource();
        RecordingTarget target = new RecordingTarget(Integer.MAX_VALUE);
        CompletableFuture<Buffer> ended = new CompletableFuture<>();
        List<String> events = new CopyOnWriteArrayList<>();
        // The target loop is kept busy until the source has delivered everything, as when head, body and end arrive
        // in one read of the link; otherwise the target loop may take "b" before the end is handed over.
        CountDownLatch sourceDone = holdTargetLoop();
        onSource(() -> {
            BatchingPump.create(source, sourceContext, target, targetContext, last -> {
                events.add("end:" + (last == null ? "-" : last.toString()));
                ended.complete(last);
                return Future.succeededFuture();
            }).runOnTarget(() -> events.add("head")).start();
            source.emit(Buffer.buffer("a"));
            source.emit(Buffer.buffer("b"));
            source.end();
            sourceDone.countDown();
        });
        assertEquals("b", ended.get(5, TimeUnit.SECONDS).toString());
        assertEquals(List.of("head", "end:b"), events);
        assertEquals(List.of("a"), target.written);
        assertTrue(target.threads.stream().allMatch(t -> t.equals(target.threads.get(0))));
    }

    @Test
    void theSourcePausesAtTheBoundAndResumesOnceTheTargetDrained() throws Exception {
        FakeSource source = new FakeSource();
        RecordingTarget target = new RecordingTarget(1);  // full after any write
        CountDownLatch blockTarget = new CountDownLatch(1);
        targetContext.runOnContext(v -> awaitQuietly(blockTarget));  // the target loop is busy: nothing crosses yet
        int chunk = 64 * 1024;
        CompletableFuture<Integer> emittedBeforePause = new CompletableFuture<>();
        onSource(() -> {
            BatchingPump.create(source, sourceContext, target, targetContext, last -> Future.succeededFuture()).start();
            int emitted = 0;
            while (!source.paused && emitted < 100) {
                source.emit(Buffer.buffer(new byte[chunk]));
                emitted++;
            }
            emittedBeforePause.complete(emitted);
        });
        int emitted = emittedBeforePause.get(5, TimeUnit.SECONDS);
        assertEquals(BatchingPump.DEFAULT_MAX_IN_FLIGHT / chunk, emitted, "the source pauses once the bound is handed over");
        blockTarget.countDown();
        // The target takes the handed-over bytes (in one write), reports full, and stays paused until its drain.
        waitUntil(() -> target.bytes.get() == (long) emitted * chunk);
        assertTrue(source.paused);
        targetContext.runOnContext(v -> target.drain());
        waitUntil(() -> !source.paused);
        assertFalse(source.paused);
        assertNotSame(null, target.drainHandler);
    }

    @Test
    void aReleasingPumpGivesEachBufferBackOnceItsWriteCompletedAndTheLastOnceTheEndDid() throws Exception {
        FakeSource source = new FakeSource();
        RecordingTarget target = new RecordingTarget(Integer.MAX_VALUE);
        List<String> released = new CopyOnWriteArrayList<>();
        io.vertx.core.Promise<Void> endWritten = io.vertx.core.Promise.promise();
        CompletableFuture<Buffer> ended = new CompletableFuture<>();
        CountDownLatch sourceDone = holdTargetLoop();
        onSource(() -> {
            BatchingPump.releasing(source, sourceContext, target, targetContext, last -> {
                ended.complete(last);
                return endWritten.future();
            }, data -> released.add(data.toString())).start();
            source.emit(Buffer.buffer("a"));
            source.emit(Buffer.buffer("b"));
            source.end();
            sourceDone.countDown();
        });
        assertEquals("b", ended.get(5, TimeUnit.SECONDS).toString());
        assertEquals(List.of("a"), released, "the last buffer is the end's until the end is written");
        endWritten.fail("the client went away");
        waitUntil(() -> released.size() == 2);
        assertEquals(List.of("a", "b"), released, "given back when the end failed too");
    }

    @Test
    void buffersHandedOverTogetherGoOutAsOneWriteAndEachIsGivenBackAfterIt() throws Exception {
        FakeSource source = new FakeSource();
        RecordingTarget target = new RecordingTarget(Integer.MAX_VALUE);
        List<String> released = new CopyOnWriteArrayList<>();
        CountDownLatch sourceDone = holdTargetLoop();
        onSource(() -> {
            BatchingPump.releasing(source, sourceContext, target, targetContext, last -> Future.succeededFuture(),
                    data -> released.add(data.toString())).runOnTarget(() -> { }).start();
            source.emit(Buffer.buffer("a"));
            source.emit(Buffer.buffer("b"));
            source.emit(Buffer.buffer("c"));
            sourceDone.countDown();
        });
        waitUntil(() -> released.size() == 3);
        assertEquals(List.of("abc"), target.written, "one write for the three");
        assertEquals(List.of("a", "b", "c"), released);
    }

    @Test
    void aCancelledPumpGivesBackWhatItHeldAndWhatStillComes() throws Exception {
        FakeSource source = new FakeSource();
        RecordingTarget target = new RecordingTarget(Integer.MAX_VALUE);
        List<String> released = new CopyOnWriteArrayList<>();
        CountDownLatch blockTarget = new CountDownLatch(1);
        targetContext.runOnContext(v -> awaitQuietly(blockTarget));  // nothing crosses before the cancel
        CompletableFuture<Void> done = new CompletableFuture<>();
        onSource(() -> {
            BatchingPump pump = BatchingPump.releasing(source, sourceContext, target, targetContext,
                    last -> Future.succeededFuture(), data -> released.add(data.toString())).start();
            source.emit(Buffer.buffer("a"));
            source.emit(Buffer.buffer("b"));
            pump.cancel();
            source.emit(Buffer.buffer("c"));
            done.complete(null);
        });
        done.get(5, TimeUnit.SECONDS);
        blockTarget.countDown();
        assertEquals(List.of("a", "b", "c"), released);
        CompletableFuture<Void> targetTurn = new CompletableFuture<>();
        targetContext.runOnContext(v -> targetTurn.complete(null));
        targetTurn.get(5, TimeUnit.SECONDS);
        assertEquals(List.of(), target.written, "nothing is written after the cancel");
    }

    /**
     * A target that throws on write (an HTTP response already ended throws IllegalStateException) must not keep the
     * buffers the pump took for that write, nor those handed over after it: each goes back to the pool.
     */
    @Test
    void aWriteThatThrowsGivesBackTheBuffersItCarriedAndAllThatComeAfterIt() throws Exception {
        FakeSource source = new FakeSource();
        RecordingTarget target = new RecordingTarget(Integer.MAX_VALUE);
        target.refusal = new IllegalStateException("Response has already been written");
        List<String> released = new CopyOnWriteArrayList<>();
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        CountDownLatch sourceDone = holdTargetLoop();
        onSource(() -> {
            BatchingPump.releasing(source, sourceContext, target, targetContext, last -> Future.succeededFuture(),
                    data -> released.add(data.toString())).onFailure(failure::complete).start();
            source.emit(Buffer.buffer("a"));
            source.emit(Buffer.buffer("b"));
            sourceDone.countDown();
        });
        assertEquals("Response has already been written", failure.get(5, TimeUnit.SECONDS).getMessage(), "the owner is told");
        waitUntil(() -> released.size() == 2);
        waitUntil(() -> source.paused);
        CompletableFuture<Void> later = new CompletableFuture<>();
        onSource(() -> {
            source.emit(Buffer.buffer("c"));
            source.end();
            later.complete(null);
        });
        later.get(5, TimeUnit.SECONDS);
        waitUntil(() -> released.size() == 3);
        assertEquals(List.of("a", "b", "c"), released);
        assertEquals(List.of(), target.written, "the refused write wrote nothing");
    }

    /** The same when the end that carries the last buffer throws. */
    @Test
    void anEndThatThrowsGivesBackTheLastBuffer() throws Exception {
        FakeSource source = new FakeSource();
        RecordingTarget target = new RecordingTarget(Integer.MAX_VALUE);
        List<String> released = new CopyOnWriteArrayList<>();
        CountDownLatch sourceDone = holdTargetLoop();
        onSource(() -> {
            BatchingPump.releasing(source, sourceContext, target, targetContext, last -> {
                throw new IllegalStateException("Response has already been written");
            }, data -> released.add(data.toString())).start();
            source.emit(Buffer.buffer("a"));
            source.emit(Buffer.buffer("b"));
            source.end();
            sourceDone.countDown();
        });
        waitUntil(() -> released.size() == 2);
        assertEquals(List.of("a", "b"), released);
    }

    /** Keeps the target loop busy until the returned latch is counted down (as when everything arrives in one read). */
    private CountDownLatch holdTargetLoop() {
        CountDownLatch released = new CountDownLatch(1);
        targetContext.runOnContext(v -> awaitQuietly(released));
        return released;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void onSource(Runnable task) {
        sourceContext.runOnContext(v -> task.run());
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 5 s");
            }
            Thread.sleep(5);
        }
    }

    /** A read stream driven by the test, on the source loop. */
    private static final class FakeSource implements ReadStream<Buffer> {
        volatile boolean paused = true;
        private Handler<Buffer> handler;
        private Handler<Void> endHandler;

        void emit(Buffer data) {
            handler.handle(data);
        }

        void end() {
            endHandler.handle(null);
        }

        @Override
        public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
            return this;
        }

        @Override
        public ReadStream<Buffer> handler(Handler<Buffer> handler) {
            this.handler = handler;
            return this;
        }

        @Override
        public ReadStream<Buffer> pause() {
            paused = true;
            return this;
        }

        @Override
        public ReadStream<Buffer> resume() {
            paused = false;
            return this;
        }

        @Override
        public ReadStream<Buffer> fetch(long amount) {
            return resume();
        }

        @Override
        public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
            this.endHandler = endHandler;
            return this;
        }
    }

    /** A write stream that records what it gets and where, full after {@code capacity} writes until drained. */
    private static final class RecordingTarget implements WriteStream<Buffer> {
        final List<String> written = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();
        final java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();
        private final int capacity;
        private volatile int queued;
        volatile Handler<Void> drainHandler;
        /** Thrown by every write when set, as a Vert.x response does once it was ended. */
        volatile RuntimeException refusal;

        RecordingTarget(int capacity) {
            this.capacity = capacity;
        }

        void drain() {
            queued = 0;
            drainHandler.handle(null);
        }

        @Override
        public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
            return this;
        }

        @Override
        public Future<Void> write(Buffer data) {
            if (refusal != null) {
                throw refusal;
            }
            threads.add(Thread.currentThread().getName());
            written.add(data.length() > 16 ? "#" + data.length() : data.toString());
            bytes.addAndGet(data.length());
            queued++;
            return Future.succeededFuture();
        }

        @Override
        public Future<Void> end() {
            return Future.succeededFuture();
        }

        @Override
        public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
            return this;
        }

        @Override
        public boolean writeQueueFull() {
            return queued >= capacity;
        }

        @Override
        public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
            this.drainHandler = handler;
            return this;
        }
    }
}
