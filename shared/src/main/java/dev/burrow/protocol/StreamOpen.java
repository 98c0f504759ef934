package dev.burrow.protocol;

import io.vertx.core.buffer.Buffer;

/**
 * Payload of an OPEN frame: what the new stream carries, for which endpoint, on behalf of which client.
 * An HTTP stream carries one exchange and has the request head here; a TCP stream is a byte pipe; a UDP stream
 * carries the datagrams of every visitor of one endpoint that reach the edge node which opened it.
 *
 * <p>Wire form: kind (u8), endpoint id (string), client address (string), then for HTTP the request head.
 */
public record StreamOpen(Kind kind, String endpointId, String clientAddress, HttpRequestHead requestHead) {

    public enum Kind {
        HTTP(1), TCP(2), UDP(3);

        private final int code;

        Kind(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    public static StreamOpen http(String endpointId, String clientAddress, HttpRequestHead head) {
        return new StreamOpen(Kind.HTTP, endpointId, clientAddress, head);
    }

    public static StreamOpen tcp(String endpointId, String clientAddress) {
        return new StreamOpen(Kind.TCP, endpointId, clientAddress, null);
    }

    /** A UDP stream; {@code entryNode} names the edge node the visitors' datagrams arrived at (for logs). */
    public static StreamOpen udp(String endpointId, String entryNode) {
        return new StreamOpen(Kind.UDP, endpointId, entryNode, null);
    }

    public Buffer encode() {
        Buffer out = Buffer.buffer(64);
        out.appendUnsignedByte((short) kind.code);
        BinaryFields.writeString(out, endpointId);
        BinaryFields.writeString(out, clientAddress);
        if (kind == Kind.HTTP) {
            requestHead.encodeTo(out);
        }
        return out;
    }

    public static StreamOpen decode(Buffer payload) throws ProtocolException {
        BinaryFields.Reader in = new BinaryFields.Reader(payload, "OPEN payload");
        int kindCode = in.u8();
        String endpointId = in.string();
        String clientAddress = in.string();
        if (endpointId == null) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "OPEN payload has no endpoint id");
        }
        if (kindCode == Kind.HTTP.code) {
            HttpRequestHead head = HttpRequestHead.decodeFrom(in);
            in.expectEnd();
            return http(endpointId, clientAddress, head);
        }
        if (kindCode == Kind.TCP.code) {
            in.expectEnd();
            return tcp(endpointId, clientAddress);
        }
        if (kindCode == Kind.UDP.code) {
            in.expectEnd();
            return udp(endpointId, clientAddress);
        }
        throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "OPEN payload has unknown stream kind " + kindCode);
    }
}
