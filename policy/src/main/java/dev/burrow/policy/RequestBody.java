package dev.burrow.policy;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * The request body, for the few actions that must see it before the request goes on ({@code verify-webhook}). The
 * edge reads it once, at most {@link #MAX_BYTES}, keeps it, and forwards exactly those bytes to the agent; every later
 * {@link #read()} answers the same buffer. An action that never asks leaves the body streaming as usual.
 */
public interface RequestBody {
    /** The most a policy may hold of one request body: a larger one is refused with 413. */
    int MAX_BYTES = 4 * 1024 * 1024;

    /** Where no body can be read (the offline tester without {@code --body}): an empty body. */
    RequestBody EMPTY = () -> Future.succeededFuture(Buffer.buffer());

    /** The whole body, or a failure: {@link TooLarge} past {@link #MAX_BYTES}, or the client went away. */
    Future<Buffer> read();

    /** The body was larger than the policy may hold. */
    final class TooLarge extends RuntimeException {
        public TooLarge() {
            super("the request body is larger than " + MAX_BYTES + " bytes", null, false, false);
        }
    }
}
