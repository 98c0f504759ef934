package dev.burrow.agent.forward;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

import java.util.function.Consumer;

/**
 * A read stream that shows each chunk to a tap before passing it on; pause, resume and fetch go straight to the
 * source, so backpressure is the source's own.
 */
final class TappedReadStream implements ReadStream<Buffer> {
    private final ReadStream<Buffer> source;
    private final Consumer<Buffer> tap;

    TappedReadStream(ReadStream<Buffer> source, Consumer<Buffer> tap) {
        this.source = source;
        this.tap = tap;
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        source.exceptionHandler(handler);
        return this;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
        source.handler(handler == null ? null : chunk -> {
            tap.accept(chunk);
            handler.handle(chunk);
        });
        return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
        source.pause();
        return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
        source.resume();
        return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
        source.fetch(amount);
        return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
        source.endHandler(endHandler);
        return this;
    }
}
