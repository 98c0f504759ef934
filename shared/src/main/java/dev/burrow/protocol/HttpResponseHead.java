package dev.burrow.protocol;

import io.vertx.core.buffer.Buffer;

import java.util.List;
import java.util.Map;

/** Payload of a HEADERS frame: status (u16), reason phrase, header count (u16), then name/value pairs. */
public record HttpResponseHead(int status, String reason, List<Map.Entry<String, String>> headers) {

    public Buffer encode() {
        Buffer out = Buffer.buffer(128);
        out.appendUnsignedShort(status);
        BinaryFields.writeString(out, reason);
        HttpHeaderList.encode(out, headers);
        return out;
    }

    public static HttpResponseHead decode(Buffer payload) throws ProtocolException {
        BinaryFields.Reader in = new BinaryFields.Reader(payload, "HEADERS payload");
        int status = in.u16();
        if (status < 100 || status > 999) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "HEADERS payload has invalid status " + status);
        }
        String reason = in.string();
        List<Map.Entry<String, String>> headers = HttpHeaderList.decode(in);
        in.expectEnd();
        return new HttpResponseHead(status, reason, headers);
    }
}
