package dev.burrow.edge.http;

import dev.burrow.policy.ResponseBodyEncoder;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.streams.WriteStream;

/**
 * The response as the pump writes it when a response module re-encodes the body (compression): each chunk passes the
 * encoder on its way, and the response's own write queue still governs the flow, so backpressure holds.
 */
final class ReencodedBody implements WriteStream<Buffer> {
    private final HttpServerResponse response;
    private final ResponseBodyEncoder encoder;

    ReencodedBody(HttpServerResponse response, ResponseBodyEncoder encoder) {
        this.response = response;
        this.encoder = encoder;
    }

    @Override
    public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        response.exceptionHandler(handler);
        return this;
    }

    @Override
    public Future<Void> write(Buffer data) {
        Buffer encoded = encoder.encode(data);
        return encoded.length() == 0 ? Future.succeededFuture() : response.write(encoded);
    }

    /** Ends the response with what the encoder still holds after {@code last} (null: nothing more came). */
    @Override
    public Future<Void> end(Buffer last) {
        Buffer tail = last == null ? Buffer.buffer() : encoder.encode(last);
        return response.end(tail.appendBuffer(encoder.finish()));
    }

    @Override
    public Future<Void> end() {
        return end(null);
    }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
        response.setWriteQueueMaxSize(maxSize);
        return this;
    }

    @Override
    public boolean writeQueueFull() {
        return response.writeQueueFull();
    }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
        response.drainHandler(handler);
        return this;
    }
}
