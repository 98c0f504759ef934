package dev.burrow.agent.internal;

import dev.burrow.agent.TunnelConnection;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What the public client sends on a {@link TunnelConnection}, as a blocking {@link InputStream}. Chunks wait in a
 * queue; past {@link #HIGH_WATER} bytes the connection is paused (the link's window then stops the client) and it
 * resumes once the reader has taken half. Chunks arrive on the link's event loop; reads block the caller's thread.
 */
final class BlockingInput extends InputStream {
    /** Bytes queued before the connection is paused: a few windows' worth, so a steady reader never stalls it. */
    static final int HIGH_WATER = 256 * 1024;

    private final TunnelConnection connection;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Buffer> chunks = new ArrayDeque<>();
    private int position;
    private long queued;
    private boolean paused;
    private boolean ended;
    private boolean closed;
    private Throwable failure;
    private volatile int timeoutMillis;

    BlockingInput(TunnelConnection connection) {
        this.connection = connection;
        connection.exceptionHandler(this::failed);
        connection.endHandler(v -> ended());
        connection.handler(this::arrived);
    }

    /** Like {@link java.net.Socket#setSoTimeout}: a read waits at most this long (0: for ever). */
    void timeout(int millis) {
        this.timeoutMillis = millis;
    }

    int timeout() {
        return timeoutMillis;
    }

    private void arrived(Buffer chunk) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            chunks.add(chunk);
            queued += chunk.length();
            if (!paused && queued >= HIGH_WATER) {
                paused = true;
                connection.pause();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void ended() {
        lock.lock();
        try {
            ended = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void failed(Throwable cause) {
        lock.lock();
        try {
            if (failure == null) {
                failure = cause;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, into.length);
        if (length == 0) {
            return 0;
        }
        boolean resume = false;
        int n;
        lock.lock();
        try {
            awaitData();
            if (chunks.isEmpty()) {
                if (failure != null) {
                    throw new SocketException("connection reset: " + failure.getMessage());
                }
                return -1;
            }
            Buffer head = chunks.peek();
            n = Math.min(length, head.length() - position);
            head.getBytes(position, position + n, into, offset);
            position += n;
            if (position == head.length()) {
                chunks.poll();
                position = 0;
            }
            queued -= n;
            if (paused && queued <= HIGH_WATER / 2) {
                paused = false;
                resume = true;
            }
        } finally {
            lock.unlock();
        }
        if (resume) {
            connection.resume();
        }
        return n;
    }

    private void awaitData() throws IOException {
        long timeout = timeoutMillis;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout);
        try {
            while (chunks.isEmpty() && !ended && failure == null && !closed) {
                if (timeout <= 0) {
                    changed.await();
                } else {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new SocketTimeoutException("Read timed out");
                    }
                    changed.awaitNanos(left);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading from " + connection);
        }
        if (closed) {
            throw new SocketException("Socket closed");
        }
    }

    @Override
    public int available() {
        lock.lock();
        try {
            return (int) Math.min(Integer.MAX_VALUE, queued);
        } finally {
            lock.unlock();
        }
    }

    /** Discards what is queued and what still comes; a reader blocked in {@link #read} gets a SocketException. */
    @Override
    public void close() {
        boolean resume;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            chunks.clear();
            queued = 0;
            resume = paused;
            paused = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (resume) {
            connection.resume();
        }
    }
}
