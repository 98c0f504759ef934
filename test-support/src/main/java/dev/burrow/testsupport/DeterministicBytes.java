package dev.burrow.testsupport;

import io.vertx.core.buffer.Buffer;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/**
 * A reproducible, effectively endless byte sequence for large-body tests: byte {@code i} is
 * {@code PATTERN[i % PERIOD]}, with a prime period that no buffer size divides, so a lost, repeated or reordered
 * chunk shows up as a mismatch at a precise offset. Producers and verifiers never hold more than one chunk.
 */
public final class DeterministicBytes {

    /** 2^17 - 1, a prime. */
    public static final int PERIOD = 131_071;
    /** The largest slice {@link #chunk} hands out at once. */
    public static final int MAX_CHUNK = 64 * 1024;
    /** Two periods back to back, so that any slice up to PERIOD long is one array copy. */
    private static final byte[] DOUBLE;
    /** The same bytes as a Vert.x buffer: {@link #chunk} hands out read-only slices of it, without copying. */
    private static final Buffer DOUBLE_BUFFER;

    static {
        byte[] pattern = new byte[PERIOD];
        new SplittableRandom(0xB022_0E2EL).nextBytes(pattern);
        DOUBLE = new byte[2 * PERIOD];
        System.arraycopy(pattern, 0, DOUBLE, 0, PERIOD);
        System.arraycopy(pattern, 0, DOUBLE, PERIOD, PERIOD);
        DOUBLE_BUFFER = Buffer.buffer(DOUBLE);
    }

    private DeterministicBytes() {
    }

    /** Bytes {@code [offset, offset + length)} of the sequence; {@code length <= MAX_CHUNK}. */
    public static byte[] slice(long offset, int length) {
        if (length > MAX_CHUNK) {
            throw new IllegalArgumentException("length " + length + " > " + MAX_CHUNK);
        }
        int start = (int) (offset % PERIOD);
        return Arrays.copyOfRange(DOUBLE, start, start + length);
    }

    /** Bytes {@code [offset, offset + length)} as a slice of a shared buffer (no copy); never write into it. */
    public static Buffer chunk(long offset, int length) {
        if (length > MAX_CHUNK) {
            throw new IllegalArgumentException("length " + length + " > " + MAX_CHUNK);
        }
        int start = (int) (offset % PERIOD);
        return DOUBLE_BUFFER.slice(start, start + length);
    }

    /** A temporary file holding the first {@code bytes} of the sequence (for uploads by tools such as curl). */
    public static java.nio.file.Path tempFile(long bytes) throws java.io.IOException {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("deterministic-bytes", ".bin");
        try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(file)) {
            for (long offset = 0; offset < bytes; offset += MAX_CHUNK) {
                out.write(slice(offset, (int) Math.min(MAX_CHUNK, bytes - offset)));
            }
        }
        return file;
    }

    /** CRC-32 of the first {@code n} bytes of the sequence. */
    public static long crc32(long n) {
        CRC32 crc = new CRC32();
        long done = 0;
        while (done < n) {
            int len = (int) Math.min(MAX_CHUNK, n - done);
            int start = (int) (done % PERIOD);
            crc.update(DOUBLE, start, len);
            done += len;
        }
        return crc.getValue();
    }

    /**
     * Checks a received stream against the sequence as it arrives: counts bytes, computes the CRC-32 and remembers
     * the offset of the first byte that differs. Not thread-safe; feed it from one thread (or one event loop).
     */
    public static final class Verifier {
        private final CRC32 crc = new CRC32();
        private long count;
        private long firstMismatch = -1;
        private byte[] scratch = new byte[MAX_CHUNK];

        public void update(Buffer buffer) {
            int len = buffer.length();
            if (scratch.length < len) {
                scratch = new byte[len];
            }
            buffer.getBytes(0, len, scratch, 0);
            update(scratch, 0, len);
        }

        public void update(byte[] bytes) {
            update(bytes, 0, bytes.length);
        }

        public void update(byte[] bytes, int off, int len) {
            crc.update(bytes, off, len);
            if (firstMismatch < 0) {
                int checked = 0;
                while (checked < len) {
                    int start = (int) ((count + checked) % PERIOD);
                    int n = Math.min(len - checked, PERIOD);
                    int m = Arrays.mismatch(bytes, off + checked, off + checked + n, DOUBLE, start, start + n);
                    if (m >= 0) {
                        firstMismatch = count + checked + m;
                        break;
                    }
                    checked += n;
                }
            }
            count += len;
        }

        public long count() {
            return count;
        }

        public long crc32() {
            return crc.getValue();
        }

        /** Offset of the first byte that is not the sequence's, or -1. */
        public long firstMismatch() {
            return firstMismatch;
        }

        @Override
        public String toString() {
            return count + " bytes, crc32 " + Long.toHexString(crc32())
                    + (firstMismatch >= 0 ? ", first wrong byte at offset " + firstMismatch : ", all bytes as expected");
        }
    }
}
