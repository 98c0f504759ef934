package dev.burrow.mux;

import dev.burrow.protocol.ErrorCode;
import dev.burrow.protocol.HttpResponseHead;
import dev.burrow.protocol.ProtocolLimits;
import dev.burrow.protocol.StreamOpen;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayDeque;

/**
 * State of one stream. Fields are touched only on the link's event loop, except the volatile ones read by
 * {@link #writeQueueFull()} from other threads. Public methods hop to the event loop through the link.
 */
final class MuxStreamImpl implements MuxStream {
    private static final int DEFAULT_WRITE_QUEUE_MAX = 128 * 1024;

    private final StreamMultiplexer link;
    private final int id;
    private final StreamOpen open;
    private final Promise<Void> closedPromise = Promise.promise();

    // receiving side
    private final ArrayDeque<Buffer> inbound = new ArrayDeque<>();
    private int receiveCredit;
    private int consumedSinceUpdate;
    private long demand = Long.MAX_VALUE;
    private boolean remoteEnded;
    private boolean endDelivered;
    private boolean delivering;
    private Handler<Buffer> dataHandler;
    private Handler<Void> endHandler;
    private Handler<Throwable> exceptionHandler;
    private Handler<HttpResponseHead> headersHandler;
    private HttpResponseHead pendingHead;
    private StreamResetException pendingFailure;

    // sending side
    private final ArrayDeque<Buffer> outbound = new ArrayDeque<>();
    private volatile int queuedBytes;
    private volatile int writeQueueMax = DEFAULT_WRITE_QUEUE_MAX;
    private long sendCredit;
    private boolean endRequested;
    private boolean localEnded;
    private boolean needsDrain;
    private Handler<Void> drainHandler;

    private boolean closed;

    MuxStreamImpl(StreamMultiplexer link, int id, StreamOpen open, int initialWindow) {
        this.link = link;
        this.id = id;
        this.open = open;
        this.receiveCredit = initialWindow;
        this.sendCredit = initialWindow;
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public StreamOpen open() {
        return open;
    }

    @Override
    public StreamMultiplexer link() {
        return link;
    }

    @Override
    public Future<Void> closed() {
        return closedPromise.future();
    }

    // ---- ReadStream -------------------------------------------------------------------------------------

    @Override
    public MuxStream handler(Handler<Buffer> handler) {
        link.execute(() -> {
            dataHandler = handler;
            deliver();
        });
        return this;
    }

    @Override
    public MuxStream endHandler(Handler<Void> handler) {
        link.execute(() -> endHandler = handler);
        return this;
    }

    @Override
    public MuxStream exceptionHandler(Handler<Throwable> handler) {
        link.execute(() -> {
            exceptionHandler = handler;
            if (handler != null && pendingFailure != null) {
                StreamResetException failure = pendingFailure;
                pendingFailure = null;
                handler.handle(failure);
            }
        });
        return this;
    }

    @Override
    public MuxStream headersHandler(Handler<HttpResponseHead> handler) {
        link.execute(() -> {
            headersHandler = handler;
            if (handler != null && pendingHead != null) {
                HttpResponseHead head = pendingHead;
                pendingHead = null;
                handler.handle(head);
            }
        });
        return this;
    }

    @Override
    public MuxStream pause() {
        link.execute(() -> demand = 0);
        return this;
    }

    @Override
    public MuxStream resume() {
        return fetch(Long.MAX_VALUE);
    }

    @Override
    public MuxStream fetch(long amount) {
        link.execute(() -> {
            demand = demand + amount < 0 ? Long.MAX_VALUE : demand + amount;
            deliver();
        });
        return this;
    }

    // ---- WriteStream ------------------------------------------------------------------------------------

    @Override
    public Future<Void> write(Buffer data) {
        Promise<Void> promise = Promise.promise();
        addQueued(data.length());
        link.execute(() -> {
            if (closed || endRequested) {
                addQueued(-data.length());
                promise.fail(new StreamResetException(ErrorCode.STREAM_CANCELLED, "stream " + id + " is closed", false));
                return;
            }
            if (data.length() > 0) {
                outbound.add(data);
                if (queuedBytes >= writeQueueMax) {
                    needsDrain = true;
                }
                link.scheduleSend(this);
            }
            promise.complete();
        });
        return promise.future();
    }

    @Override
    public Future<Void> end() {
        Promise<Void> promise = Promise.promise();
        link.execute(() -> {
            if (closed || endRequested) {
                promise.complete();
                return;
            }
            endRequested = true;
            link.scheduleSend(this);
            promise.complete();
        });
        return promise.future();
    }

    @Override
    public MuxStream setWriteQueueMaxSize(int maxSize) {
        writeQueueMax = Math.max(1, maxSize);
        return this;
    }

    @Override
    public boolean writeQueueFull() {
        return queuedBytes >= writeQueueMax;
    }

    @Override
    public MuxStream drainHandler(Handler<Void> handler) {
        link.execute(() -> drainHandler = handler);
        return this;
    }

    @Override
    public Future<Void> writeHeaders(HttpResponseHead head) {
        Promise<Void> promise = Promise.promise();
        link.execute(() -> {
            if (closed || endRequested) {
                promise.fail(new StreamResetException(ErrorCode.STREAM_CANCELLED, "stream " + id + " is closed", false));
                return;
            }
            link.sendHeaders(id, head);
            promise.complete();
        });
        return promise.future();
    }

    @Override
    public void reset(ErrorCode code, String message) {
        link.execute(() -> {
            if (closed) {
                return;
            }
            link.sendReset(id, code, message);
            terminate(null);
        });
    }

    private void addQueued(int delta) {
        synchronized (this) {
            queuedBytes = Math.max(0, queuedBytes + delta);
        }
    }

    // ---- called by the link, on its event loop ---------------------------------------------------------

    /** DATA from the peer; returns false when the peer sent more than its credit (a link-level error). */
    boolean onData(Buffer data) {
        if (data.length() > receiveCredit) {
            return false;
        }
        receiveCredit -= data.length();
        if (closed || remoteEnded) {
            return true;
        }
        if (data.length() > 0) {
            inbound.add(data);
            deliver();
        }
        return true;
    }

    void onHeaders(HttpResponseHead head) {
        if (headersHandler != null) {
            headersHandler.handle(head);
        } else {
            pendingHead = head;
        }
    }

    void onRemoteHalfClose() {
        if (remoteEnded) {
            return;
        }
        remoteEnded = true;
        deliver();
    }

    /** RESET from the peer, or the link died: fail the stream. */
    void onReset(StreamResetException failure) {
        if (closed) {
            return;
        }
        terminate(failure);
    }

    /** Returns false when the increment overflows the window (a link-level error). */
    boolean onWindowUpdate(int increment) {
        sendCredit += increment;
        if (sendCredit > ProtocolLimits.MAX_WINDOW) {
            return false;
        }
        if (!outbound.isEmpty() || endRequested) {
            link.scheduleSend(this);
        }
        return true;
    }

    /** Whether this stream could send something now (credit and queued data, or a pending half-close). */
    boolean canSend() {
        if (closed || localEnded) {
            return false;
        }
        return (!outbound.isEmpty() && sendCredit > 0) || (outbound.isEmpty() && endRequested);
    }

    /**
     * Takes the next chunk to send as DATA, at most {@code max} bytes and within credit; returns null when
     * nothing may be sent. The caller writes it, then calls {@link #afterSend()}.
     */
    Buffer takeChunk(int max) {
        if (outbound.isEmpty() || sendCredit <= 0) {
            return null;
        }
        int limit = (int) Math.min(max, sendCredit);
        Buffer head = outbound.peek();
        Buffer chunk;
        if (head.length() <= limit) {
            chunk = outbound.poll();
        } else {
            chunk = head.slice(0, limit);
            outbound.poll();
            outbound.addFirst(head.slice(limit, head.length()));
        }
        sendCredit -= chunk.length();
        addQueued(-chunk.length());
        return chunk;
    }

    /** Whether every queued byte is sent and a half-close is due. */
    boolean halfCloseDue() {
        return endRequested && !localEnded && outbound.isEmpty();
    }

    void markLocalEnded() {
        localEnded = true;
        closeIfDone();
    }

    void afterSend() {
        if (needsDrain && queuedBytes <= writeQueueMax / 2) {
            needsDrain = false;
            Handler<Void> handler = drainHandler;
            if (handler != null) {
                handler.handle(null);
            }
        }
    }

    private void deliver() {
        if (delivering || closed) {
            return;
        }
        delivering = true;
        try {
            while (dataHandler != null && demand > 0 && !inbound.isEmpty() && !closed) {
                Buffer data = inbound.poll();
                if (demand != Long.MAX_VALUE) {
                    demand--;
                }
                returnCredit(data.length());
                dataHandler.handle(data);
            }
            if (remoteEnded && inbound.isEmpty() && !endDelivered && dataHandler != null && !closed) {
                endDelivered = true;
                Handler<Void> handler = endHandler;
                if (handler != null) {
                    handler.handle(null);
                }
                closeIfDone();
            }
        } finally {
            delivering = false;
        }
    }

    private void returnCredit(int consumed) {
        consumedSinceUpdate += consumed;
        if (!remoteEnded && consumedSinceUpdate >= link.initialWindow() / 2) {
            receiveCredit += consumedSinceUpdate;
            link.sendWindowUpdate(id, consumedSinceUpdate);
            consumedSinceUpdate = 0;
        }
    }

    private void closeIfDone() {
        if (localEnded && endDelivered && !closed) {
            terminate(null);
        }
    }

    private void terminate(StreamResetException failure) {
        closed = true;
        inbound.clear();
        outbound.clear();
        synchronized (this) {
            queuedBytes = 0;
        }
        link.streamClosed(this);
        if (failure != null) {
            if (exceptionHandler != null) {
                exceptionHandler.handle(failure);
            } else {
                pendingFailure = failure;
            }
        }
        closedPromise.tryComplete();
    }

    @Override
    public String toString() {
        return "stream " + id + " on " + link.name();
    }
}
