package dev.burrow.bench;

import dev.burrow.protocol.Frame;
import dev.burrow.protocol.FrameDecoder;
import dev.burrow.protocol.FrameEncoder;
import dev.burrow.protocol.FrameType;
import dev.burrow.protocol.HttpResponseHead;
import dev.burrow.protocol.ProtocolException;
import dev.burrow.protocol.ProtocolLimits;
import dev.burrow.protocol.StreamOpen;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * The link's frame codec, as one exchange uses it: the edge encodes OPEN and HALF_CLOSE, the agent decodes them and
 * the request head; the agent encodes HEADERS, a 1 KiB DATA and HALF_CLOSE, the edge decodes them and the response
 * head. Bytes reach the decoder as the TLS handler hands them over: a pooled direct buffer. {@link #bulkDataFrame}
 * is one 64 KiB DATA frame of a download, arriving in 16 KiB records.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FrameCodecBenchmark {
    private static final int STREAM = 7;
    private static final int RECORD = 16 * 1024;

    private final PooledByteBufAllocator allocator = PooledByteBufAllocator.DEFAULT;
    private FrameDecoder agentSide;
    private FrameDecoder edgeSide;
    private Buffer bulkPayload;

    @Setup
    public void setUp() {
        agentSide = new FrameDecoder(false, ProtocolLimits.MAX_FRAME_PAYLOAD);
        edgeSide = new FrameDecoder(false, ProtocolLimits.MAX_FRAME_PAYLOAD);
        // As the multiplexer does: a download's DATA is for a stream the edge has open, so its buffer is reserved ahead.
        edgeSide.reservesAheadFor(stream -> stream == STREAM);
        bulkPayload = Buffer.buffer(new byte[64 * 1024]);
    }

    @Benchmark
    public void exchangeFrames(Blackhole out) throws ProtocolException {
        Buffer request = FrameEncoder.open(STREAM, ExchangeShapes.OPEN).appendBuffer(FrameEncoder.halfClose(STREAM));
        receive(agentSide, request, out);
        Buffer response = FrameEncoder.headers(STREAM, ExchangeShapes.RESPONSE_HEAD)
                .appendBuffer(FrameEncoder.data(STREAM, ExchangeShapes.PAGE))
                .appendBuffer(FrameEncoder.halfClose(STREAM));
        receive(edgeSide, response, out);
    }

    @Benchmark
    public void bulkDataFrame(Blackhole out) throws ProtocolException {
        Buffer frame = FrameEncoder.data(STREAM, bulkPayload);
        for (int at = 0; at < frame.length(); at += RECORD) {
            receive(edgeSide, frame.slice(at, Math.min(frame.length(), at + RECORD)), out);
        }
    }

    private void receive(FrameDecoder decoder, Buffer bytes, Blackhole out) throws ProtocolException {
        ByteBuf read = allocator.directBuffer(bytes.length());
        try {
            read.writeBytes(((BufferInternal) bytes).getByteBuf());
            decoder.feed(read, frame -> consume(frame, out));
        } finally {
            read.release();
        }
    }

    private static void consume(Frame frame, Blackhole out) {
        try {
            if (frame.type() == FrameType.OPEN) {
                out.consume(StreamOpen.decode(frame.payload()).requestHead().headers().size());
            } else if (frame.type() == FrameType.HEADERS) {
                out.consume(HttpResponseHead.decode(frame.payload()).status());
            } else {
                out.consume(frame.payload());
            }
        } catch (ProtocolException e) {
            throw new IllegalStateException(e);
        }
    }
}
