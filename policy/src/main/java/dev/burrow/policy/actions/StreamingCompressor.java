package dev.burrow.policy.actions;

import com.aayushatharva.brotli4j.encoder.BrotliOutputStream;
import com.aayushatharva.brotli4j.encoder.Encoder;
import dev.burrow.policy.ResponseBodyEncoder;
import io.vertx.core.buffer.Buffer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Compresses a response body chunk by chunk (gzip and deflate with the JDK's zlib, br with brotli4j): each {@link #encode} returns what the compressor has
 * produced so far, so no more than the compressor's window plus one chunk is held, and the edge's backpressure on the
 * client still governs the flow. "deflate" is the zlib format, as HTTP means it.
 */
final class StreamingCompressor implements ResponseBodyEncoder {
    /** Brotli's level for compressing on the fly: near gzip's speed with a better ratio (Cloudflare uses 4 too). */
    private static final int BROTLI_QUALITY = 4;
    private final Drain drain = new Drain();
    private final Deflater deflater;
    private final OutputStream compressor;

    private StreamingCompressor(String coding) {
        try {
            if (coding.equals("gzip")) {
                deflater = null;
                compressor = new GZIPOutputStream(drain, 8192);
            } else if (coding.equals("br")) {
                deflater = null;
                compressor = new BrotliOutputStream(drain, new Encoder.Parameters().setQuality(BROTLI_QUALITY), 16 * 1024);
            } else {
                deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);
                compressor = new DeflaterOutputStream(drain, deflater, 8192);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ResponseBodyEncoder forCoding(String coding) {
        return new StreamingCompressor(coding);
    }

    @Override
    public Buffer encode(Buffer chunk) {
        try {
            compressor.write(chunk.getBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return drain.take();
    }

    @Override
    public Buffer finish() {
        try {
            compressor.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (deflater != null) {
                deflater.end();
            }
        }
        return drain.take();
    }

    /** Collects the compressor's output and hands it over, emptied, after every call. */
    private static final class Drain extends ByteArrayOutputStream {
        Buffer take() {
            Buffer out = Buffer.buffer(count);
            out.appendBytes(buf, 0, count);
            reset();
            return out;
        }
    }
}
