package dev.burrow.agent.internal;

import dev.burrow.agent.TunnelConnection;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.SocketException;
import java.util.Arrays;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writing to the public client of a {@link TunnelConnection} as a blocking {@link OutputStream}: a write returns
 * once the bytes are queued on the link, and blocks while the connection's write queue is full (the client reads
 * slowly), so the heap holds at most one queue's worth per connection. {@link #close()} ends our direction.
 */
final class BlockingOutput extends OutputStream {
    /** While the queue is full a writer re-checks at least this often, in case a drain signal raced its wait. */
    private static final long RECHECK_NANOS = 50_000_000L;

    private final TunnelConnection connection;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition drained = lock.newCondition();
    private volatile Future<Void> lastWrite = Future.succeededFuture();
    private volatile boolean closed;

    BlockingOutput(TunnelConnection connection) {
        this.connection = connection;
        connection.drainHandler(v -> {
            lock.lock();
            try {
                drained.signalAll();
            } finally {
                lock.unlock();
            }
        });
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
        if (closed) {
            throw new SocketException("Socket output is shut down");
        }
        failIfBroken();
        if (length == 0) {
            return;
        }
        lastWrite = connection.write(Buffer.buffer(Arrays.copyOfRange(bytes, offset, offset + length)));
        awaitRoom();
    }

    private void awaitRoom() throws IOException {
        lock.lock();
        try {
            while (connection.writeQueueFull()) {
                failIfBroken();
                drained.awaitNanos(RECHECK_NANOS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing to " + connection);
        } finally {
            lock.unlock();
        }
        failIfBroken();
    }

    private void failIfBroken() throws IOException {
        Future<Void> last = lastWrite;
        if (last.failed()) {
            throw new SocketException("connection reset: " + last.cause().getMessage());
        }
    }

    /** Ends our direction (a TCP FIN, or the end of an HTTP response body). Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            connection.end();
        }
    }
}
