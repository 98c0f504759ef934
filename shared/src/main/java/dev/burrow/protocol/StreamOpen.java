package dev.burrow.protocol;

import io.vertx.core.buffer.Buffer;

/**
 * Payload of an OPEN frame: what the new stream carries, for which endpoint, on behalf of which client.
 * An HTTP stream carries one exchange and has the request head here; a TCP stream is a byte pipe; a UDP stream
 * carries the datagrams of every visitor of one endpoint that reach the edge node which opened it.
 *
 * <p>Wire form: kind (u8), endpoint id (string), client address (string), then for HTTP the request head and, only to
 * an agent that named {@link ControlMessage#FEATURE_POLICY_TRAIL} (or a relaying node to a peer node that named it), the edge's policy trail: a count (u16, at most
 * {@link #MAX_TRAIL_LINES}) and that many strings (an older decoder refuses trailing bytes, hence the feature).
 *
 * @param policyTrail for HTTP: the rules the edge's traffic policies evaluated for this request and the actions they ran,
 *                    one line each ({@code on_http_request: tenant policy: office only matched: restrict-ips: allowed ...});
 *                    empty when none or not sent
 */
public record StreamOpen(Kind kind, String endpointId, String clientAddress, HttpRequestHead requestHead,
                         java.util.List<String> policyTrail) {
    /** The most trail lines one OPEN carries (the rest are dropped at the edge). */
    public static final int MAX_TRAIL_LINES = 64;

    public StreamOpen {
        policyTrail = policyTrail == null ? java.util.List.of()
                : java.util.List.copyOf(policyTrail.subList(0, Math.min(policyTrail.size(), MAX_TRAIL_LINES)));
    }

    public StreamOpen(Kind kind, String endpointId, String clientAddress, HttpRequestHead requestHead) {
        this(kind, endpointId, clientAddress, requestHead, null);
    }

    /** The same OPEN with the edge's policy trail (HTTP). */
    public StreamOpen withPolicyTrail(java.util.List<String> trail) {
        return trail.isEmpty() && policyTrail.isEmpty() ? this : new StreamOpen(kind, endpointId, clientAddress, requestHead, trail);
    }

    /** The same OPEN without a trail, for a peer that did not ask for one. */
    public StreamOpen withoutPolicyTrail() {
        return policyTrail.isEmpty() ? this : new StreamOpen(kind, endpointId, clientAddress, requestHead, null);
    }

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
            if (!policyTrail.isEmpty()) {
                out.appendUnsignedShort(policyTrail.size());
                policyTrail.forEach(line -> BinaryFields.writeString(out, line));
            }
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
            java.util.List<String> trail = in.atEnd() ? null : trail(in);
            in.expectEnd();
            return new StreamOpen(Kind.HTTP, endpointId, clientAddress, head, trail);
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

    private static java.util.List<String> trail(BinaryFields.Reader in) throws ProtocolException {
        int count = in.u16();
        if (count > MAX_TRAIL_LINES) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "OPEN payload has " + count + " policy trail lines (at most "
                    + MAX_TRAIL_LINES + ")");
        }
        java.util.List<String> lines = new java.util.ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            lines.add(in.string());
        }
        return lines;
    }
}
