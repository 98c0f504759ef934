package dev.burrow.protocol;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;

/**
 * One UDP datagram and the visitor it came from or goes to: the payload of a DATAGRAM frame.
 *
 * <p>Wire form: the visitor's address (string, {@code ip:port}, not null), then the datagram itself (the rest of the
 * payload, 0 .. {@link ProtocolLimits#MAX_DATAGRAM_SIZE} bytes).
 */
public record Datagram(String address, Buffer payload) {
    /** Longest visitor address accepted: an IPv6 address with scope and port fits many times over. */
    static final int MAX_ADDRESS_BYTES = 255;
    /** Largest DATAGRAM frame payload: the address field at its longest plus the largest datagram. */
    static final int MAX_FRAME_PAYLOAD = 2 + MAX_ADDRESS_BYTES + ProtocolLimits.MAX_DATAGRAM_SIZE;

    public Datagram {
        if (address == null) {
            throw new IllegalArgumentException("a datagram needs the visitor's address");
        }
        if (payload.length() > ProtocolLimits.MAX_DATAGRAM_SIZE) {
            throw new IllegalArgumentException("datagram of " + payload.length() + " bytes is larger than "
                    + ProtocolLimits.MAX_DATAGRAM_SIZE);
        }
    }

    /** The address field for a visitor: {@code ip:port}, an IPv6 address in brackets. */
    public static String address(String host, int port) {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }

    /** The host part of {@link #address()}, without brackets. */
    public String host() {
        int colon = address.lastIndexOf(':');
        String host = colon < 0 ? address : address.substring(0, colon);
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** The port part of {@link #address()}, or -1 when it has none. */
    public int port() {
        int colon = address.lastIndexOf(':');
        try {
            return colon < 0 ? -1 : Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Bytes of the encoded form: what this datagram takes in a frame and in a queue. */
    public int size() {
        return 2 + address.getBytes(StandardCharsets.UTF_8).length + payload.length();
    }

    public Buffer encode() {
        return encodeTo(Buffer.buffer(size()));
    }

    /** Appends the encoded form to {@code out}. */
    public Buffer encodeTo(Buffer out) {
        BinaryFields.writeString(out, address);
        return out.appendBuffer(payload);
    }

    public static Datagram decode(Buffer framePayload) throws ProtocolException {
        BinaryFields.Reader in = new BinaryFields.Reader(framePayload, "DATAGRAM payload");
        String address = in.string();
        if (address == null || address.length() > MAX_ADDRESS_BYTES) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "DATAGRAM payload has no valid visitor address");
        }
        Buffer payload = in.rest();
        if (payload.length() > ProtocolLimits.MAX_DATAGRAM_SIZE) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "DATAGRAM of " + payload.length()
                    + " bytes exceeds the maximum of " + ProtocolLimits.MAX_DATAGRAM_SIZE);
        }
        return new Datagram(address, payload);
    }
}
