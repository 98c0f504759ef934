package dev.burrow.mux;

import dev.burrow.protocol.Frame;
import dev.burrow.protocol.FrameDecoder;
import dev.burrow.protocol.FrameEncoder;
import dev.burrow.protocol.FrameType;
import dev.burrow.protocol.ProtocolException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A peer that speaks raw bytes to a real multiplexer: it sends whatever a test builds (valid or hostile)
 * and decodes what the multiplexer sends back into frames.
 */
final class RawPeer {
    private final NetSocket socket;
    private final FrameDecoder decoder = new FrameDecoder();
    private final LinkedBlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
    private final Promise<Void> closed = Promise.promise();

    RawPeer(NetSocket socket) {
        this.socket = socket;
        socket.closeHandler(v -> closed.tryComplete());
        socket.handler(bytes -> {
            try {
                decoder.feed(bytes, frame -> frames.add(new Frame(frame.type(), frame.flags(), frame.streamId(), frame.payload().copy())));
            } catch (ProtocolException e) {
                closed.tryFail(new AssertionError("the multiplexer sent an invalid frame: " + e.getMessage()));
            }
        });
    }

    RawPeer send(Buffer bytes) {
        socket.write(bytes);
        return this;
    }

    RawPeer sendPreface() {
        return send(FrameEncoder.preface());
    }

    /** A frame header with any values, including ones the protocol forbids. */
    static Buffer header(long length, int typeCode, int flags, int streamId) {
        return Buffer.buffer().appendUnsignedInt(length).appendUnsignedByte((short) typeCode)
                .appendUnsignedByte((short) flags).appendInt(streamId);
    }

    void close() {
        socket.close();
    }

    /** Completes when the socket is closed (by either side). */
    Future<Void> closedFuture() {
        return closed.future();
    }

    /** The next frame of {@code type} the multiplexer sent, skipping others (heartbeat pings, say). */
    Frame next(FrameType type) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(MuxTesting.TIMEOUT_SECONDS);
        while (true) {
            long left = deadline - System.nanoTime();
            Frame frame;
            try {
                frame = left <= 0 ? null : frames.poll(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            assertNotNull(frame, "no " + type + " frame from the multiplexer within " + MuxTesting.TIMEOUT_SECONDS + " s");
            if (frame.type() == type) {
                return frame;
            }
        }
    }

    /** Frames received so far and not yet taken, without waiting. */
    java.util.List<Frame> drainReceived() {
        java.util.List<Frame> list = new java.util.ArrayList<>();
        frames.drainTo(list);
        return list;
    }
}
