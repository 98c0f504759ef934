package dev.burrow.policy;

import io.vertx.core.buffer.Buffer;

/**
 * Re-encodes a response body chunk by chunk (compress-response). Bounded: each call returns what is ready, so the
 * edge's backpressure still governs the flow. One per exchange, called from one thread at a time.
 */
public interface ResponseBodyEncoder {

    /** The encoded bytes ready after this chunk (possibly empty). */
    Buffer encode(Buffer chunk);

    /** The remaining encoded bytes, once the body ended. */
    Buffer finish();
}
