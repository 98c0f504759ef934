package dev.burrow.protocol;

import io.vertx.core.buffer.Buffer;

import java.util.List;
import java.util.Map;

/**
 * Payload of a TRAILERS frame: the trailer fields that end one direction of an HTTP exchange (gRPC's
 * {@code grpc-status} and {@code grpc-message} travel here), as a header list. Sent at most once per direction, after
 * the last DATA and before HALF_CLOSE; bounded by {@link #MAX_PAYLOAD} so that trailers cannot grow into a second body.
 */
public record HttpTrailers(List<Map.Entry<String, String>> fields) {
    /** Largest TRAILERS payload; a longer one closes the link, from the frame header alone. */
    public static final int MAX_PAYLOAD = 16 * 1024;

    /**
     * @throws IllegalArgumentException when the fields do not fit in {@link #MAX_PAYLOAD} bytes, so that a sender learns
     *                                  it before anything is queued
     */
    public HttpTrailers {
        fields = List.copyOf(fields);
        int size = encode(fields).length();
        if (size > MAX_PAYLOAD) {
            throw new IllegalArgumentException("trailers of " + size + " bytes exceed the " + MAX_PAYLOAD + "-byte limit");
        }
    }

    public Buffer encode() {
        return encode(fields);
    }

    private static Buffer encode(List<Map.Entry<String, String>> fields) {
        Buffer out = Buffer.buffer(64);
        HttpHeaderList.encode(out, fields);
        return out;
    }

    public static HttpTrailers decode(Buffer payload) throws ProtocolException {
        BinaryFields.Reader in = new BinaryFields.Reader(payload, "TRAILERS payload");
        List<Map.Entry<String, String>> fields = HttpHeaderList.decode(in);
        in.expectEnd();
        return new HttpTrailers(fields);
    }
}
