package dev.burrow.mux;

import dev.burrow.protocol.Datagram;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.protocol.HttpResponseHead;
import dev.burrow.protocol.HttpTrailers;
import dev.burrow.protocol.StreamOpen;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;

/**
 * One stream of a multiplexed link: a flow-controlled, bidirectional byte stream with half-close.
 *
 * <h2>Reading</h2>
 * As a {@link ReadStream} it delivers the peer's DATA in order. Until a {@link #handler} is set, or while the
 * stream is paused, the peer's bytes wait here (never lost, never more than one window: 512 KiB by default, widened
 * up to 4 MiB while the reader takes half a window within the link's growth period, see
 * {@link dev.burrow.protocol.ProtocolLimits#MAX_RECEIVE_WINDOW}), and no window credit is returned until the bytes are
 * handed to the handler; credit goes back in batches of half a window. {@link #endHandler} fires when the peer half-closes, after the last byte, and like data only
 * while the stream is not paused and only once a handler or end handler is set: an end that arrives before either
 * waits for them (so a stream handed over late, paused first and given its handlers later, still sees its end),
 * unless this side has ended its own direction (it then takes the end, and the stream closes).
 * {@link #fetch(long)} counts buffers, not bytes.
 *
 * <h2>Writing</h2>
 * As a {@link WriteStream} it sends DATA within the peer's window. {@link #write} never refuses bytes on an
 * open stream: it queues them, and {@link #writeQueueFull()} turns true once 128 KiB (see
 * {@link #setWriteQueueMaxSize}) wait to be sent; {@link #drainHandler} then fires once the queue is back to half.
 * A drain handler set after {@code writeQueueFull()} was seen true fires even if the queue drained in between.
 * Respect {@code writeQueueFull()} (for example through {@code pipeTo}) or memory grows. {@link #end()}
 * half-closes the sending direction once every queued byte is sent. Writing after {@code end()} or after a
 * reset fails the returned future with a {@link StreamResetException}.
 *
 * <h2>Reset and link loss</h2>
 * {@link #exceptionHandler} receives a {@link StreamResetException} (stable {@link ErrorCode}, message, whether
 * the peer did it) when the peer resets the stream or the link dies; a failure that happened before the handler
 * was set is delivered when it is set. The side that calls {@link #reset} is not told about its own reset. When a
 * stream is reset while a writer waits for drain, the drain handler is called once so that the writer wakes up:
 * its next write fails. A handler that throws resets its own stream (INTERNAL_ERROR), never the link.
 *
 * <h2>pipeTo (Vert.x 5 {@code PipeImpl})</h2>
 * <ul>
 *   <li>Stream as source, reset (or link lost): the pipe future fails with the {@link StreamResetException},
 *       and by default Vert.x still calls {@code end()} on the destination, a graceful close (FIN / HALF_CLOSE)
 *       that can make a truncated body look complete. For a byte pipe or a body, use
 *       {@code stream.pipe().endOnFailure(false).to(dst)} and close or reset the destination yourself in
 *       {@code onFailure}.</li>
 *   <li>Stream as destination, reset: the pipe learns about it from the failed write (it sets no exception
 *       handler on the destination) and fails with the {@link StreamResetException}; the source is resumed and
 *       ended per the flags, but not closed. Close the source yourself (for a socket, {@code close()}; for
 *       another stream, {@link #reset}).</li>
 *   <li>The pipe clears this stream's handlers when it completes; set your own after it, not before.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * Every method may be called from any thread: the work is carried out on the link's event loop, in the order of
 * the calls of one thread. Handlers are called on the link's event loop (see {@link StreamMultiplexer}), not on
 * the caller's context; hop back yourself (or let a thread-safe destination such as a NetSocket do it) if that
 * matters.
 */
public interface MuxStream extends ReadStream<Buffer>, WriteStream<Buffer> {

    /** The stream id on its link; for a stream this side opens, 0 until the link has sent its OPEN. */
    int id();

    /** What the stream was opened for (the OPEN frame's payload). */
    StreamOpen open();

    /** The link carrying this stream. */
    StreamMultiplexer link();

    /** Sends the response head of an HTTP exchange (a HEADERS frame). Call once, before any data. */
    Future<Void> writeHeaders(HttpResponseHead head);

    /**
     * Like {@link #end()}, with the trailer fields that end this direction of an HTTP exchange: they are sent after the
     * last queued byte, before the half-close, if the peer reads trailers ({@link StreamMultiplexer#peerReadsTrailers});
     * otherwise they are dropped. Null or empty trailers are a plain {@link #end()}. Their size was bounded when they
     * were built ({@link HttpTrailers#MAX_PAYLOAD}).
     */
    Future<Void> end(HttpTrailers trailers);

    /** The peer's trailers (a TRAILERS frame), or null if it sent none; complete once the end handler was called. */
    HttpTrailers trailers();

    /** Called once when the peer's HEADERS frame arrives (the response head of an HTTP exchange). */
    MuxStream headersHandler(Handler<HttpResponseHead> handler);

    /**
     * On a UDP stream: called for each datagram from the peer. Datagrams that arrive before a handler is set are
     * held (at most 64 KiB; more are dropped and counted) and handed to it when it is set.
     */
    MuxStream datagramHandler(Handler<Datagram> handler);

    /**
     * On a UDP stream: sends one datagram in one DATAGRAM frame, never split, outside flow control. Returns false
     * when it was dropped instead: the link's datagram queue is full (the socket is backed up), or the stream or
     * link is closed. The caller counts the drop.
     */
    boolean writeDatagram(Datagram datagram);

    /**
     * From now on the peer's DATA reaches the data handler in pooled direct memory, which a socket sends as it is (a heap
     * buffer is first copied to direct memory by the transport): every buffer the handler gets is then the handler's to
     * give back with {@link dev.burrow.protocol.PooledPayloads#release(Buffer)} once done with it, after its write
     * completed (release is a no-op for a buffer that arrived on the heap before this call). Bytes this stream drops
     * (reset, link lost) it gives back itself. Only for a reader that writes each buffer once to a Vert.x socket or
     * response and keeps no reference; call it on the link's event loop.
     */
    MuxStream takePooledPayloads();

    /**
     * From now on every buffer written to this stream is the stream's to give back: pooled direct memory the writer
     * holds one reference to (see {@link dev.burrow.protocol.PooledPayloads#adopt}), which the link releases once it
     * copied the bytes into its batch for the socket, or when the stream drops them (reset, link lost, write refused).
     * A writer can so hand over what it read from a socket without copying it to the heap first (a heap buffer written
     * in this mode is left to the garbage collector). Only for a writer that keeps no reference to what it wrote; call
     * it on the link's event loop, before the first write.
     */
    MuxStream releaseWrittenPayloads();

    /** Aborts the stream in both directions and tells the peer why. Idempotent; ignored once the stream is closed. */
    void reset(ErrorCode code, String message);

    /** Completes when the stream is closed: both directions ended, or reset (locally, by the peer, or link loss). */
    Future<Void> closed();

    @Override
    MuxStream exceptionHandler(Handler<Throwable> handler);

    @Override
    MuxStream handler(Handler<Buffer> handler);

    @Override
    MuxStream pause();

    @Override
    MuxStream resume();

    @Override
    MuxStream fetch(long amount);

    @Override
    MuxStream endHandler(Handler<Void> endHandler);

    @Override
    MuxStream setWriteQueueMaxSize(int maxSize);

    @Override
    MuxStream drainHandler(Handler<Void> handler);
}
