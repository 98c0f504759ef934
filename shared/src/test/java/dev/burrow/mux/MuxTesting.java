package dev.burrow.mux;

import dev.burrow.protocol.StreamOpen;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.fail;

/** Small helpers shared by the multiplexer tests. */
final class MuxTesting {
    static final long TIMEOUT_SECONDS = 10;

    private MuxTesting() {
    }

    /** Options without heartbeats, so that only the frames a test causes are on the wire. */
    static MuxOptions quietOptions(String name) {
        return MuxOptions.defaults(name).withHeartbeatInterval(Duration.ZERO);
    }

    static StreamOpen tcpOpen(String endpointId) {
        return StreamOpen.tcp(endpointId, "203.0.113.7:40000");
    }

    /** Waits (bounded) for a future and returns its value, rethrowing its failure as an AssertionError. */
    static <T> T await(Future<T> future) {
        return await(future, TIMEOUT_SECONDS);
    }

    static <T> T await(Future<T> future, long seconds) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("future failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("future not complete within " + seconds + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The failure of a future that must fail (bounded wait). */
    static Throwable awaitFailure(Future<?> future) {
        try {
            future.toCompletionStage().toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            throw new AssertionError("future not complete within " + TIMEOUT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return fail("future succeeded but should have failed");
    }

    /**
     * Polls a condition that has no event to wait for (a counter reaching a value on another thread).
     * Bounded; fails with {@code what}.
     */
    static void awaitCondition(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting until " + what);
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    static Buffer randomPayload(long seed, int length) {
        SplittableRandom random = new SplittableRandom(seed);
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i += 8) {
            long value = random.nextLong();
            for (int j = 0; j < 8 && i + j < length; j++) {
                bytes[i + j] = (byte) (value >>> (8 * j));
            }
        }
        return Buffer.buffer(bytes);
    }

    static long crc(Buffer buffer) {
        CRC32 crc = new CRC32();
        crc.update(buffer.getBytes());
        return crc.getValue();
    }

    /** What a reader saw: byte count and CRC32 of the bytes in arrival order. */
    record Received(long bytes, long crc) {
        static Received of(Buffer expected) {
            return new Received(expected.length(), MuxTesting.crc(expected));
        }
    }

    /** Reads a stream to its end, checksumming; completes with what arrived, fails with the stream's error. */
    static Future<Received> collect(ReadStream<Buffer> stream) {
        Promise<Received> promise = Promise.promise();
        CRC32 crc = new CRC32();
        long[] count = {0};
        stream.exceptionHandler(promise::tryFail);
        stream.endHandler(v -> promise.tryComplete(new Received(count[0], crc.getValue())));
        stream.handler(buffer -> {
            crc.update(buffer.getBytes());
            count[0] += buffer.length();
        });
        return promise.future();
    }

    /** Reads a whole stream into one buffer (for small payloads). */
    static Future<Buffer> collectBytes(ReadStream<Buffer> stream) {
        Promise<Buffer> promise = Promise.promise();
        Buffer all = Buffer.buffer();
        stream.exceptionHandler(promise::tryFail);
        stream.endHandler(v -> promise.tryComplete(all));
        stream.handler(all::appendBuffer);
        return promise.future();
    }

    /**
     * Writes {@code payload} in {@code chunk}-sized pieces, honouring writeQueueFull()/drainHandler, then ends.
     * Call on any thread; continuation runs wherever the drain handler is called.
     */
    static Future<Void> writeAll(WriteStream<Buffer> stream, Buffer payload, int chunk) {
        Promise<Void> done = Promise.promise();
        writeFrom(stream, payload, chunk, 0, done);
        return done.future();
    }

    private static void writeFrom(WriteStream<Buffer> stream, Buffer payload, int chunk, int offset, Promise<Void> done) {
        int position = offset;
        while (position < payload.length()) {
            int end = Math.min(payload.length(), position + chunk);
            stream.write(payload.slice(position, end)).onFailure(done::tryFail);
            position = end;
            if (stream.writeQueueFull()) {
                int next = position;
                stream.drainHandler(v -> {
                    stream.drainHandler(null);
                    writeFrom(stream, payload, chunk, next, done);
                });
                return;
            }
        }
        stream.end().onComplete(done);
    }

    /** The next stream the peer opened, waiting at most {@link #TIMEOUT_SECONDS}; fails the test when none comes. */
    static dev.burrow.mux.MuxStream take(java.util.concurrent.LinkedBlockingQueue<dev.burrow.mux.MuxStream> queue)
            throws InterruptedException {
        dev.burrow.mux.MuxStream stream = queue.poll(TIMEOUT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
        org.junit.jupiter.api.Assertions.assertNotNull(stream, "no incoming stream");
        return stream;
    }

    /** Completes with the first failure the stream's exception handler receives. */
    static io.vertx.core.Future<Throwable> failureOf(dev.burrow.mux.MuxStream stream) {
        io.vertx.core.Promise<Throwable> promise = io.vertx.core.Promise.promise();
        stream.exceptionHandler(promise::tryComplete);
        return promise.future();
    }
}
