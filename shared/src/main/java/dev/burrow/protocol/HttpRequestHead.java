package dev.burrow.protocol;

import io.vertx.core.buffer.Buffer;

import java.util.List;
import java.util.Map;

/**
 * An HTTP request line and headers as the edge received them (plus the edge's X-Forwarded-* headers).
 * Headers keep their order and repetitions. Wire form: method, uri, header count (u16), then name/value pairs.
 */
public record HttpRequestHead(String method, String uri, List<Map.Entry<String, String>> headers) {

    void encodeTo(Buffer out) {
        BinaryFields.writeString(out, method);
        BinaryFields.writeString(out, uri);
        HttpHeaderList.encode(out, headers);
    }

    static HttpRequestHead decodeFrom(BinaryFields.Reader in) throws ProtocolException {
        String method = in.string();
        String uri = in.string();
        if (method == null || uri == null) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "HTTP request head lacks a method or uri");
        }
        return new HttpRequestHead(method, uri, HttpHeaderList.decode(in));
    }
}
