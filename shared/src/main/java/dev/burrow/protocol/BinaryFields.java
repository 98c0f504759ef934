package dev.burrow.protocol;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;

/** Length-prefixed strings for the binary structures (u16 length, then UTF-8; 0xFFFF is reserved for null). */
final class BinaryFields {
    private static final int NULL_MARK = 0xFFFF;

    private BinaryFields() {
    }

    static void writeString(Buffer out, String value) {
        if (value == null) {
            out.appendUnsignedShort(NULL_MARK);
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > ProtocolLimits.MAX_STRING_BYTES) {
            throw new IllegalArgumentException("string of " + bytes.length + " bytes is longer than the protocol allows");
        }
        out.appendUnsignedShort(bytes.length).appendBytes(bytes);
    }

    /** Sequential reader over a buffer that turns every overrun into a {@link ProtocolException}. */
    static final class Reader {
        private final Buffer buffer;
        private final String what;
        private int position;

        Reader(Buffer buffer, String what) {
            this.buffer = buffer;
            this.what = what;
        }

        int u8() throws ProtocolException {
            need(1);
            return buffer.getUnsignedByte(position++);
        }

        int u16() throws ProtocolException {
            need(2);
            int value = buffer.getUnsignedShort(position);
            position += 2;
            return value;
        }

        long u32() throws ProtocolException {
            need(4);
            long value = buffer.getUnsignedInt(position);
            position += 4;
            return value;
        }

        String string() throws ProtocolException {
            int length = u16();
            if (length == NULL_MARK) {
                return null;
            }
            need(length);
            String value = buffer.getString(position, position + length, "UTF-8");
            position += length;
            return value;
        }

        boolean atEnd() {
            return position == buffer.length();
        }

        Buffer rest() {
            Buffer rest = buffer.slice(position, buffer.length());
            position = buffer.length();
            return rest;
        }

        void expectEnd() throws ProtocolException {
            if (position != buffer.length()) {
                throw new ProtocolException(ErrorCode.PROTOCOL_ERROR,
                        what + " has " + (buffer.length() - position) + " unexpected trailing bytes");
            }
        }

        private void need(int bytes) throws ProtocolException {
            if (position + bytes > buffer.length()) {
                throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, what + " is truncated");
            }
        }
    }
}
