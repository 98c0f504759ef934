package dev.burrow.agent.internal;

import dev.burrow.agent.TunnelConnection;
import dev.burrow.mux.MuxStream;
import dev.burrow.protocol.Datagram;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.protocol.HttpRequestHead;
import dev.burrow.protocol.HttpResponseHead;
import dev.burrow.protocol.HttpTrailers;
import dev.burrow.protocol.StreamOpen;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.Pipe;
import io.vertx.core.streams.WriteStream;

import java.io.OutputStream;

/** A {@link TunnelConnection} backed by one stream of the agent link. */
public final class StreamConnection implements TunnelConnection {
    private final MuxStream stream;
    private BlockingInput input;
    private BlockingOutput output;

    public StreamConnection(MuxStream stream) {
        this.stream = stream;
    }

    /** The underlying stream (for logs: its id and link). */
    public MuxStream stream() {
        return stream;
    }

    @Override
    public StreamOpen.Kind kind() {
        return stream.open().kind();
    }

    @Override
    public String clientAddress() {
        return stream.open().clientAddress();
    }

    @Override
    public java.util.List<String> policyTrail() {
        return stream.open().policyTrail();
    }

    @Override
    public HttpRequestHead requestHead() {
        return stream.open().requestHead();
    }

    @Override
    public Future<Void> writeHeaders(HttpResponseHead head) {
        return stream.writeHeaders(head);
    }

    @Override
    public TunnelConnection datagramHandler(Handler<Datagram> handler) {
        stream.datagramHandler(handler);
        return this;
    }

    @Override
    public boolean writeDatagram(Datagram datagram) {
        return stream.writeDatagram(datagram);
    }

    @Override
    public void reset(ErrorCode code, String message) {
        stream.reset(code, message);
    }

    @Override
    public Future<Void> closed() {
        return stream.closed();
    }

    @Override
    public synchronized BlockingInput inputStream() {
        if (input == null) {
            input = new BlockingInput(this);
        }
        return input;
    }

    @Override
    public synchronized OutputStream outputStream() {
        if (output == null) {
            output = new BlockingOutput(this);
        }
        return output;
    }

    @Override
    public TunnelConnection exceptionHandler(Handler<Throwable> handler) {
        stream.exceptionHandler(handler);
        return this;
    }

    @Override
    public TunnelConnection handler(Handler<Buffer> handler) {
        stream.handler(handler);
        return this;
    }

    @Override
    public TunnelConnection pause() {
        stream.pause();
        return this;
    }

    @Override
    public TunnelConnection resume() {
        stream.resume();
        return this;
    }

    @Override
    public TunnelConnection fetch(long amount) {
        stream.fetch(amount);
        return this;
    }

    @Override
    public TunnelConnection endHandler(Handler<Void> endHandler) {
        stream.endHandler(endHandler);
        return this;
    }

    @Override
    public Pipe<Buffer> pipe() {
        return stream.pipe();
    }

    @Override
    public Future<Void> pipeTo(WriteStream<Buffer> dst) {
        return stream.pipeTo(dst);
    }

    @Override
    public Future<Void> write(Buffer data) {
        return stream.write(data);
    }

    @Override
    public Future<Void> end() {
        return stream.end();
    }

    @Override
    public Future<Void> end(HttpTrailers trailers) {
        return stream.end(trailers);
    }

    @Override
    public Future<Void> end(Buffer data) {
        return stream.end(data);
    }

    @Override
    public TunnelConnection setWriteQueueMaxSize(int maxSize) {
        stream.setWriteQueueMaxSize(maxSize);
        return this;
    }

    @Override
    public boolean writeQueueFull() {
        return stream.writeQueueFull();
    }

    @Override
    public TunnelConnection drainHandler(Handler<Void> handler) {
        stream.drainHandler(handler);
        return this;
    }

    @Override
    public String toString() {
        return "stream " + stream.id() + " (" + kind() + " from " + clientAddress() + ")";
    }
}
