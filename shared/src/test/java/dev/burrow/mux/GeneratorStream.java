package dev.burrow.mux;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

import java.util.zip.CRC32;

/**
 * A ReadStream of {@code total} bytes that repeat a random pattern whose length (a prime) never lines up with
 * chunk or frame boundaries, so reordering or loss changes the checksum. Emits on {@code context}, honours
 * pause/fetch from any thread (checked before every chunk), like a socket would.
 */
final class GeneratorStream implements ReadStream<Buffer> {
    static final int PATTERN_LENGTH = 65_521;
    static final int CHUNK = 60_000;

    private final Context context;
    private final Buffer doubled;
    private final long total;
    private long emitted;
    private long demand = Long.MAX_VALUE;
    private boolean scheduled;
    private boolean ended;
    private Handler<Buffer> handler;
    private Handler<Void> endHandler;

    GeneratorStream(Context context, long seed, long total) {
        this.context = context;
        Buffer pattern = MuxTesting.randomPayload(seed, PATTERN_LENGTH);
        this.doubled = pattern.copy().appendBuffer(pattern);
        this.total = total;
    }

    /** The checksum of everything this stream emits. */
    long expectedCrc() {
        CRC32 crc = new CRC32();
        long position = 0;
        byte[] bytes = doubled.getBytes();
        while (position < total) {
            int length = (int) Math.min(CHUNK, total - position);
            crc.update(bytes, (int) (position % PATTERN_LENGTH), length);
            position += length;
        }
        return crc.getValue();
    }

    @Override
    public synchronized GeneratorStream exceptionHandler(Handler<Throwable> handler) {
        return this;
    }

    @Override
    public synchronized GeneratorStream handler(Handler<Buffer> handler) {
        this.handler = handler;
        schedule();
        return this;
    }

    @Override
    public synchronized GeneratorStream pause() {
        demand = 0;
        return this;
    }

    @Override
    public GeneratorStream resume() {
        return fetch(Long.MAX_VALUE);
    }

    @Override
    public synchronized GeneratorStream fetch(long amount) {
        demand = demand + amount < 0 ? Long.MAX_VALUE : demand + amount;
        schedule();
        return this;
    }

    @Override
    public synchronized GeneratorStream endHandler(Handler<Void> endHandler) {
        this.endHandler = endHandler;
        return this;
    }

    private void schedule() {
        if (!scheduled && !ended) {
            scheduled = true;
            context.runOnContext(v -> emit());
        }
    }

    private void emit() {
        for (int i = 0; i < 32; i++) {
            Buffer chunk;
            Handler<Buffer> target;
            synchronized (this) {
                if (demand == 0 || handler == null || emitted >= total) {
                    break;
                }
                int length = (int) Math.min(CHUNK, total - emitted);
                int offset = (int) (emitted % PATTERN_LENGTH);
                chunk = doubled.slice(offset, offset + length);
                emitted += length;
                if (demand != Long.MAX_VALUE) {
                    demand--;
                }
                target = handler;
            }
            target.handle(chunk);
        }
        Handler<Void> end = null;
        synchronized (this) {
            scheduled = false;
            if (emitted >= total && !ended) {
                ended = true;
                end = endHandler;
            } else if (demand > 0 && handler != null) {
                schedule();
            }
        }
        if (end != null) {
            end.handle(null);
        }
    }
}
