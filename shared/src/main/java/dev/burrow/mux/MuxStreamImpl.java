package dev.burrow.mux;

import dev.burrow.protocol.Datagram;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.protocol.HttpResponseHead;
import dev.burrow.protocol.HttpTrailers;
import dev.burrow.protocol.PooledPayloads;
import dev.burrow.protocol.ProtocolLimits;
import dev.burrow.protocol.StreamOpen;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * State of one stream. Fields are touched only on the link's event loop, except {@link #queued},
 * {@link #drainWanted}, {@link #writeQueueMax} and {@link #inboundBytes}, which other threads read or update.
 * Public methods hop to the event loop through the link.
 */
final class MuxStreamImpl implements MuxStream {
    private static final Logger LOG = LoggerFactory.getLogger(MuxStreamImpl.class);
    private static final int DEFAULT_WRITE_QUEUE_MAX = 128 * 1024;
    /** Datagrams held for a handler not set yet: enough for the first burst while a stream is accepted or spliced. */
    static final int MAX_EARLY_DATAGRAM_BYTES = 64 * 1024;

    private final StreamMultiplexer link;
    private volatile int id;
    private final StreamOpen open;
    private final Promise<Void> closedPromise = Promise.promise();

    // receiving side
    private final ArrayDeque<Buffer> inbound = new ArrayDeque<>();
    private volatile int inboundBytes;
    private int receiveCredit;
    private final int initialWindow;
    /**
     * The window granted to the peer now: the link's initial window, widened while the reader keeps up (by what the
     * link's widening budget grants) and narrowed again when it falls behind.
     */
    private int receiveWindow;
    /** When the last credit went back (or the first byte was consumed); 0 before. */
    private long creditMarkNanos;
    private int consumedSinceUpdate;
    private long demand = Long.MAX_VALUE;
    private boolean remoteEnded;
    private boolean endDelivered;
    private boolean delivering;
    /** Whether the peer's DATA is decoded into pooled direct memory that the data handler releases. */
    private boolean pooledPayloads;
    /** Whether written buffers are pooled memory this stream releases once sent or dropped. */
    private boolean releasesWritten;
    private Handler<Buffer> dataHandler;
    private Handler<Void> endHandler;
    private Handler<Throwable> exceptionHandler;
    private Handler<HttpResponseHead> headersHandler;
    private Handler<Datagram> datagramHandler;
    /** Datagrams that arrived before a datagram handler was set (a stream being spliced or accepted), bounded. */
    private ArrayDeque<Datagram> earlyDatagrams;
    private int earlyDatagramBytes;
    private HttpResponseHead pendingHead;
    /** The peer's trailers; written on the link's loop before the end is delivered, read by the end handler's caller. */
    private volatile HttpTrailers inboundTrailers;
    /** Trailers to send after the last queued byte, before the half-close. */
    private HttpTrailers outboundTrailers;
    private StreamResetException pendingFailure;

    // sending side
    private final ArrayDeque<Buffer> outbound = new ArrayDeque<>();
    /** Bytes accepted by write() and not yet cut into DATA frames; updated from any thread. */
    private final AtomicLong queued = new AtomicLong();
    /** Set when a writer saw (or could have seen) writeQueueFull(); cleared when the drain handler runs. */
    private volatile boolean drainWanted;
    private volatile int writeQueueMax = DEFAULT_WRITE_QUEUE_MAX;
    private int outboundBytes;
    private long sendCredit;
    private boolean endRequested;
    private boolean localEnded;
    private Handler<Void> drainHandler;

    private boolean closed;
    /** Why the stream was reset (locally or not); null while open or after a clean close. */
    private StreamResetException resetCause;

    MuxStreamImpl(StreamMultiplexer link, int id, StreamOpen open, int initialWindow) {
        this.link = link;
        this.id = id;
        this.open = open;
        this.receiveCredit = initialWindow;
        this.initialWindow = initialWindow;
        this.receiveWindow = initialWindow;
        this.sendCredit = initialWindow;
    }

    @Override
    public int id() {
        return id;
    }

    /** Called on the link's event loop when a locally opened stream gets its id, before anything else runs. */
    void assignId(int streamId) {
        this.id = streamId;
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
        link.execute(() -> {
            endHandler = handler;
            deliver();
        });
        return this;
    }

    @Override
    public MuxStream exceptionHandler(Handler<Throwable> handler) {
        link.execute(() -> {
            exceptionHandler = handler;
            if (handler != null && pendingFailure != null) {
                StreamResetException failure = pendingFailure;
                pendingFailure = null;
                callSafely(handler, failure, false);
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
                callSafely(handler, head, true);
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
        if (amount < 0) {
            throw new IllegalArgumentException("fetch amount must be >= 0, got " + amount);
        }
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
        int length = data.length();
        // Counted at once, on the caller's thread, so that writeQueueFull() is exact for a writer on any thread.
        if (queued.addAndGet(length) >= writeQueueMax) {
            drainWanted = true;
        }
        link.execute(() -> {
            if (closed || endRequested) {
                queued.addAndGet(-length);
                releaseWritten(data);
                promise.fail(writeRefusal());
                return;
            }
            if (length > 0) {
                outbound.add(data);
                outboundBytes += length;
                link.scheduleSend(this);
            } else {
                releaseWritten(data);
            }
            promise.complete();
        });
        return promise.future();
    }

    @Override
    public Future<Void> end() {
        Promise<Void> promise = Promise.promise();
        link.execute(() -> {
            if (resetCause != null) {
                promise.fail(resetCause);
                return;
            }
            if (!closed && !endRequested) {
                endRequested = true;
                link.scheduleSend(this);
            }
            promise.complete();
        });
        return promise.future();
    }

    @Override
    public Future<Void> end(HttpTrailers trailers) {
        if (trailers == null || trailers.fields().isEmpty()) {
            return end();
        }
        link.execute(() -> {
            if (!closed && !endRequested && link.peerReadsTrailers()) {
                outboundTrailers = trailers;
            } else if (!link.peerReadsTrailers()) {
                LOG.debug("{}: stream {}: the peer does not read trailers; {} trailer fields dropped", link.name(), id,
                        trailers.fields().size());
            }
        });
        return end();
    }

    @Override
    public HttpTrailers trailers() {
        return inboundTrailers;
    }

    @Override
    public MuxStream setWriteQueueMaxSize(int maxSize) {
        writeQueueMax = Math.max(1, maxSize);
        return this;
    }

    @Override
    public boolean writeQueueFull() {
        return queued.get() >= writeQueueMax;
    }

    @Override
    public MuxStream drainHandler(Handler<Void> handler) {
        link.execute(() -> {
            drainHandler = handler;
            // The queue may have drained between the caller's writeQueueFull() and now.
            checkDrain();
        });
        return this;
    }

    @Override
    public Future<Void> writeHeaders(HttpResponseHead head) {
        Promise<Void> promise = Promise.promise();
        link.execute(() -> {
            if (closed || endRequested) {
                promise.fail(writeRefusal());
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
            terminate(new StreamResetException(code, message, false), false);
        });
    }

    private StreamResetException writeRefusal() {
        if (resetCause != null) {
            return resetCause;
        }
        return new StreamResetException(ErrorCode.STREAM_CANCELLED, "stream " + id + " is already ended for writing", false);
    }

    // ---- accessors for gauges and tests (any thread) -----------------------------------------------------

    /** Peer bytes received and not yet handed to the data handler (at most one window). */
    int bufferedInboundBytes() {
        return inboundBytes;
    }

    /** Bytes written and not yet sent as DATA. */
    long queuedOutboundBytes() {
        return queued.get();
    }

    // ---- called by the link, on its event loop ---------------------------------------------------------

    @Override
    public MuxStream takePooledPayloads() {
        link.execute(() -> pooledPayloads = true);
        return this;
    }

    @Override
    public MuxStream releaseWrittenPayloads() {
        link.execute(() -> releasesWritten = true);
        return this;
    }

    /** Whether the DATA chunks taken from this stream are released once the link copied them; on the link's event loop. */
    boolean releasesWrittenPayloads() {
        return releasesWritten;
    }

    private void releaseWritten(Buffer data) {
        if (releasesWritten) {
            PooledPayloads.release(data);
        }
    }

    /** Whether the peer's DATA for this stream goes into pooled direct memory; on the link's event loop. */
    boolean takesPooledPayloads() {
        return pooledPayloads && !closed;
    }

    /**
     * DATA from the peer, which this stream now owns; returns false when the peer sent more than its credit (a
     * link-level error).
     */
    boolean onData(Buffer data) {
        int length = data.length();
        if (length > receiveCredit) {
            PooledPayloads.release(data);
            return false;
        }
        receiveCredit -= length;
        if (closed || remoteEnded || length == 0) {
            PooledPayloads.release(data);
            return true;
        }
        // The decoder hands over a buffer of the payload's own (no slice of a read), so it is kept as it is.
        inbound.add(data);
        inboundBytes += length;
        deliver();
        return true;
    }

    @Override
    public MuxStream datagramHandler(Handler<Datagram> handler) {
        link.execute(() -> {
            datagramHandler = handler;
            Datagram early;
            while (handler != null && earlyDatagrams != null && (early = earlyDatagrams.poll()) != null && !closed) {
                callSafely(handler, early, true);
            }
            earlyDatagrams = null;
            earlyDatagramBytes = 0;
        });
        return this;
    }

    @Override
    public boolean writeDatagram(Datagram datagram) {
        return link.queueDatagram(this, datagram);
    }

    /** Whether a datagram may still be sent on this stream; read on the link's event loop. */
    boolean acceptsDatagrams() {
        return !closed && id > 0;
    }

    /** A DATAGRAM frame from the peer; false when it was dropped (closed, or no handler yet and no room to hold it). */
    boolean onDatagram(Datagram datagram) {
        if (closed) {
            return false;
        }
        if (datagramHandler != null) {
            callSafely(datagramHandler, datagram, true);
            return true;
        }
        if (earlyDatagramBytes + datagram.size() > MAX_EARLY_DATAGRAM_BYTES) {
            return false;
        }
        if (earlyDatagrams == null) {
            earlyDatagrams = new ArrayDeque<>();
        }
        earlyDatagrams.add(datagram);
        earlyDatagramBytes += datagram.size();
        return true;
    }

    void onHeaders(HttpResponseHead head) {
        if (closed) {
            return;
        }
        if (headersHandler != null) {
            callSafely(headersHandler, head, true);
        } else {
            pendingHead = head;
        }
    }

    /** Returns false when trailers arrive a second time or after the half-close (a link-level error). */
    boolean onTrailers(HttpTrailers trailers) {
        if (inboundTrailers != null || remoteEnded) {
            return false;
        }
        inboundTrailers = trailers;
        return true;
    }

    /** The trailers to send with the half-close now due, once. */
    HttpTrailers takeTrailers() {
        HttpTrailers trailers = outboundTrailers;
        outboundTrailers = null;
        return trailers;
    }

    void onRemoteHalfClose() {
        if (remoteEnded || closed) {
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
        terminate(failure, true);
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
        Buffer head = outbound.poll();
        Buffer chunk;
        if (head.length() <= limit) {
            chunk = head;
        } else {
            chunk = head.slice(0, limit);
            if (releasesWritten) {
                // Two pieces of one pooled buffer, each released on its own.
                PooledPayloads.split(head);
            }
            outbound.addFirst(head.slice(limit, head.length()));
        }
        sendCredit -= chunk.length();
        outboundBytes -= chunk.length();
        queued.addAndGet(-chunk.length());
        return chunk;
    }

    /** Whether every queued byte is sent and a half-close is due. */
    boolean halfCloseDue() {
        return endRequested && !localEnded && !closed && outbound.isEmpty();
    }

    void markLocalEnded() {
        localEnded = true;
        deliver();
        closeIfDone();
    }

    void afterSend() {
        checkDrain();
    }

    /** Runs the drain handler once a writer is waiting and the queue is down to half, or the stream is gone. */
    private void checkDrain() {
        if (drainWanted && drainHandler != null && (closed || queued.get() <= writeQueueMax / 2)) {
            drainWanted = false;
            callSafely(drainHandler, null, !closed);
        }
    }

    private void deliver() {
        if (delivering || closed) {
            return;
        }
        delivering = true;
        try {
            while (!closed && dataHandler != null && demand > 0 && !inbound.isEmpty()) {
                Buffer data = inbound.poll();
                inboundBytes -= data.length();
                if (demand != Long.MAX_VALUE) {
                    demand--;
                }
                returnCredit(data.length());
                callSafely(dataHandler, data, true);
            }
            // End comes after the last byte, and like data only to a reader that wants something: a stream held
            // before anyone set a handler (waiting for its bind's answer, or in a backlog) keeps its end for them.
            // A side that has ended its own direction without reading gets no handler later: it takes the end.
            if (!closed && remoteEnded && inbound.isEmpty() && !endDelivered && demand > 0
                    && (dataHandler != null || endHandler != null || localEnded)) {
                endDelivered = true;
                // No DATA comes after the end: the widened part of the window holds nothing any more.
                giveBackWidening();
                if (endHandler != null) {
                    callSafely(endHandler, null, true);
                }
                closeIfDone();
            }
        } finally {
            delivering = false;
        }
    }

    /**
     * Grants the consumed bytes back to the peer in batches of half a window, widening the window when the reader
     * keeps up and narrowing it when the reader fell far behind.
     */
    private void returnCredit(int consumed) {
        if (creditMarkNanos == 0) {
            creditMarkNanos = System.nanoTime();
        }
        consumedSinceUpdate += consumed;
        if (!remoteEnded && consumedSinceUpdate >= receiveWindow / 2) {
            long now = System.nanoTime();
            long elapsed = now - creditMarkNanos;
            creditMarkNanos = now;
            int grant = consumedSinceUpdate + widenWindow(elapsed) - narrowWindow(elapsed);
            consumedSinceUpdate = 0;
            // 0 when the narrowing kept all of it back; an update must carry at least one byte.
            if (grant > 0) {
                receiveCredit += grant;
                link.sendWindowUpdate(id, grant);
            }
        }
    }

    /**
     * Doubles the receive window (up to the link's maximum, and as far as the link's widening budget allows) when the
     * reader took the last half window within the link's growth period: then the window, not the reader, sets the
     * pace, and the sender idles for credit. A reader slower than that (a slow public client) never widens it, so
     * what a stream can make this side hold stays one initial window unless its reader was fast, and what all of a
     * link's streams hold past that stays within the budget. Returns the bytes added to the window.
     */
    private int widenWindow(long elapsed) {
        int max = link.maxReceiveWindow();
        if (receiveWindow >= max || elapsed > link.windowGrowthNanos()) {
            return 0;
        }
        int added = link.wideningBudget().take(Math.min(receiveWindow, max - receiveWindow));
        receiveWindow += added;
        return added;
    }

    /**
     * Halves a widened window (not below the initial window) when the reader needed far longer than the growth period
     * for the last half window (it stalled, or is slow now): the credit for that part is not returned, and its share
     * of the budget goes back. Returns the bytes taken off the window (at most what was just consumed).
     */
    private int narrowWindow(long elapsed) {
        if (receiveWindow <= initialWindow || elapsed <= StreamMultiplexer.WINDOW_NARROWING_FACTOR * link.windowGrowthNanos()) {
            return 0;
        }
        int removed = Math.min(receiveWindow - Math.max(receiveWindow / 2, initialWindow), consumedSinceUpdate);
        receiveWindow -= removed;
        link.wideningBudget().giveBack(removed);
        return removed;
    }

    /** Gives the widened part of the window back to the budget, once no more DATA can come (or the stream closed). */
    private void giveBackWidening() {
        link.wideningBudget().giveBack(receiveWindow - initialWindow);
        receiveWindow = initialWindow;
    }

    private void closeIfDone() {
        if (localEnded && endDelivered && !closed) {
            terminate(null, false);
        }
    }

    private void terminate(StreamResetException failure, boolean notify) {
        closed = true;
        resetCause = failure;
        giveBackWidening();
        for (Buffer dropped : inbound) {
            PooledPayloads.release(dropped);
        }
        inbound.clear();
        inboundBytes = 0;
        outbound.forEach(this::releaseWritten);
        outbound.clear();
        queued.addAndGet(-outboundBytes);
        outboundBytes = 0;
        link.streamClosed(this);
        if (failure != null && notify) {
            if (exceptionHandler != null) {
                callSafely(exceptionHandler, failure, false);
            } else {
                pendingFailure = failure;
            }
        }
        // Wake a writer that waits for drain (pipeTo does): its next write fails and tells it why.
        if (failure != null) {
            checkDrain();
        }
        closedPromise.tryComplete();
    }

    /**
     * Calls a user handler; a handler that throws resets this stream (INTERNAL_ERROR) rather than
     * escaping into the link, which carries other streams.
     */
    private <T> void callSafely(Handler<T> handler, T value, boolean resetOnFailure) {
        try {
            handler.handle(value);
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError) {
                throw e;
            }
            LOG.error("{}: a stream handler threw; resetting the stream", this, e);
            if (resetOnFailure && !closed) {
                link.sendReset(id, ErrorCode.INTERNAL_ERROR, "the other side failed while handling this stream");
                terminate(new StreamResetException(ErrorCode.INTERNAL_ERROR, "handler failed: " + e, false), true);
            }
        }
    }

    @Override
    public String toString() {
        return "stream " + id + " on " + link.name();
    }
}
