package dev.burrow.agent;

import dev.burrow.protocol.Datagram;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.protocol.HttpRequestHead;
import dev.burrow.protocol.HttpResponseHead;
import dev.burrow.protocol.HttpTrailers;
import dev.burrow.protocol.StreamOpen;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * One public connection (TCP), one HTTP exchange, or the datagrams of a UDP endpoint arriving through an endpoint. Reading yields what the public
 * client sent (for HTTP: the request body; after an upgrade, raw bytes); the end handler fires when the client
 * finished sending. Writing sends to the client; {@link #end()} finishes our direction. For HTTP, send
 * {@link #writeHeaders} before any body. Flow-controlled: respect {@link #writeQueueFull()} or use {@code pipeTo}.
 * The exception handler receives a {@code StreamResetException} when the client goes away or the link dies.
 */
public interface TunnelConnection extends ReadStream<Buffer>, WriteStream<Buffer> {

    /** The edge's policy trail for this HTTP exchange (rules evaluated, actions run); empty when none came. */
    default java.util.List<String> policyTrail() {
        return java.util.List.of();
    }

    /** HTTP exchange or TCP connection. */
    StreamOpen.Kind kind();

    /** The public client's address as the edge saw it ("ip:port"). */
    String clientAddress();

    /** The HTTP request line and headers, or {@code null} for TCP. */
    HttpRequestHead requestHead();

    /** Sends the HTTP response head. Call once, before writing the body. */
    Future<Void> writeHeaders(HttpResponseHead head);

    /**
     * Ends the HTTP response with trailer fields (gRPC's status travels here). An edge too old to read trailers gets a
     * plain end.
     */
    Future<Void> end(HttpTrailers trailers);

    /**
     * UDP endpoints: called with each datagram a visitor sent (its {@link Datagram#address()} names the visitor).
     * One UDP connection carries every visitor whose datagrams reached one edge node.
     */
    TunnelConnection datagramHandler(Handler<Datagram> handler);

    /**
     * UDP endpoints: sends one datagram to the visitor it names. Returns false when it was dropped (the link's
     * datagram queue is full, or the connection is closed): UDP has no backpressure, the caller counts the drop.
     */
    boolean writeDatagram(Datagram datagram);

    /** Aborts the connection in both directions and tells the edge why (it answers the client with a 502 if it can). */
    void reset(ErrorCode code, String message);

    /** Completes when both directions ended or the connection was reset. */
    Future<Void> closed();

    /**
     * What the client sends, as a blocking {@link InputStream} for plain Java threads (never read it on an event
     * loop). It takes over the read side: set no {@link #handler} of your own. The same stream on every call; a
     * reset reads as a {@link java.net.SocketException}.
     */
    InputStream inputStream();

    /**
     * Writing to the client as a blocking {@link OutputStream}: a write blocks while the client reads slower than
     * we write. Closing it ends our direction. For HTTP, send {@link #writeHeaders} first. The same stream on every
     * call.
     */
    OutputStream outputStream();

    @Override
    TunnelConnection exceptionHandler(Handler<Throwable> handler);

    @Override
    TunnelConnection handler(Handler<Buffer> handler);

    @Override
    TunnelConnection pause();

    @Override
    TunnelConnection resume();

    @Override
    TunnelConnection fetch(long amount);

    @Override
    TunnelConnection endHandler(Handler<Void> endHandler);

    @Override
    TunnelConnection setWriteQueueMaxSize(int maxSize);

    @Override
    TunnelConnection drainHandler(Handler<Void> handler);
}
