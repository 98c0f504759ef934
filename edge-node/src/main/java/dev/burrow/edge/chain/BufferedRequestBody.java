package dev.burrow.edge.chain;

import dev.burrow.edge.relay.Contexts;
import dev.burrow.policy.RequestBody;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * A public request's body read whole, once, for a policy action that must see it ({@code verify-webhook}): at most
 * {@link RequestBody#MAX_BYTES}, within {@link #READ_TIMEOUT_MILLIS}. The edge then forwards {@link #buffered()}
 * instead of streaming the request, so the upstream receives exactly the bytes that were checked.
 */
final class BufferedRequestBody implements RequestBody {
    static final long READ_TIMEOUT_MILLIS = 30_000;

    private final HttpServerRequest request;
    private final Context context;
    private Promise<Buffer> promise;
    private volatile Buffer buffered;

    BufferedRequestBody(HttpServerRequest request, Context context) {
        this.request = request;
        this.context = context;
    }

    @Override
    public synchronized Future<Buffer> read() {
        if (promise == null) {
            promise = Promise.promise();
            Contexts.run(context, this::start);
        }
        return promise.future();
    }

    /** The whole body once it was read; null before (or when it was too large). */
    Buffer buffered() {
        return buffered;
    }

    /** On the request's context; the request is paused until here. */
    private void start() {
        if (request.isEnded()) {
            buffered = Buffer.buffer();
            promise.tryComplete(buffered);
            return;
        }
        Buffer collected = Buffer.buffer();
        long timer = context.owner().setTimer(READ_TIMEOUT_MILLIS, id -> promise.tryFail(
                new IllegalStateException("the request body did not arrive within " + READ_TIMEOUT_MILLIS / 1000 + " s")));
        request.handler(chunk -> {
            if (collected.length() + chunk.length() > MAX_BYTES) {
                request.pause();
                context.owner().cancelTimer(timer);
                promise.tryFail(new TooLarge());
            } else {
                collected.appendBuffer(chunk);
            }
        });
        request.endHandler(v -> {
            context.owner().cancelTimer(timer);
            if (collected.length() <= MAX_BYTES && !promise.future().isComplete()) {
                buffered = collected;
                promise.tryComplete(collected);
            }
        });
        request.resume();
    }
}
