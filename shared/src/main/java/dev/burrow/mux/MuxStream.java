package dev.burrow.mux;

import dev.burrow.protocol.ErrorCode;
import dev.burrow.protocol.HttpResponseHead;
import dev.burrow.protocol.StreamOpen;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;

/**
 * One stream of a multiplexed link: a flow-controlled, bidirectional byte stream with half-close.
 *
 * <p>As a {@link ReadStream} it delivers the peer's DATA; {@link #endHandler} fires when the peer half-closes;
 * {@link #exceptionHandler} receives a {@link StreamResetException} when the stream is reset by the peer or the
 * link dies. While paused, the peer's bytes wait here, never more than one window, and no window credit is
 * returned until the bytes are handed to the handler.
 *
 * <p>As a {@link WriteStream} it sends DATA within the peer's window. {@link #writeQueueFull()} is true while
 * the window is exhausted or too much is queued; {@link #drainHandler} fires when credit returns. Writes are
 * never refused: respect {@code writeQueueFull()} (for example through {@code pipeTo}) to bound memory.
 * {@link #end()} half-closes the sending direction.
 *
 * <p>Every method may be called from any thread: work is carried out on the link's event loop, in call order.
 * Handlers are called on the link's event loop.
 */
public interface MuxStream extends ReadStream<Buffer>, WriteStream<Buffer> {

    /** The stream id on its link. */
    int id();

    /** What the stream was opened for (the OPEN frame's payload). */
    StreamOpen open();

    /** The link carrying this stream. */
    StreamMultiplexer link();

    /** Sends the response head of an HTTP exchange (a HEADERS frame). Call once, before any data. */
    Future<Void> writeHeaders(HttpResponseHead head);

    /** Called once when the peer's HEADERS frame arrives (the response head of an HTTP exchange). */
    MuxStream headersHandler(Handler<HttpResponseHead> handler);

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
