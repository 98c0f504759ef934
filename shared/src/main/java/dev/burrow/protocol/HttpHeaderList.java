package dev.burrow.protocol;

import io.vertx.core.buffer.Buffer;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Encodes an ordered header list: count (u16), then name and value strings. */
final class HttpHeaderList {
    static final int MAX_HEADERS = 1000;

    private HttpHeaderList() {
    }

    static void encode(Buffer out, List<Map.Entry<String, String>> headers) {
        if (headers.size() > MAX_HEADERS) {
            throw new IllegalArgumentException(headers.size() + " headers is more than the protocol allows");
        }
        out.appendUnsignedShort(headers.size());
        for (Map.Entry<String, String> header : headers) {
            BinaryFields.writeString(out, header.getKey());
            BinaryFields.writeString(out, header.getValue());
        }
    }

    static List<Map.Entry<String, String>> decode(BinaryFields.Reader in) throws ProtocolException {
        int count = in.u16();
        if (count > MAX_HEADERS) {
            throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, count + " headers is more than the protocol allows");
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String name = in.string();
            String value = in.string();
            if (name == null || value == null) {
                throw new ProtocolException(ErrorCode.PROTOCOL_ERROR, "header " + i + " has a null name or value");
            }
            headers.add(new AbstractMap.SimpleImmutableEntry<>(name, value));
        }
        return headers;
    }
}
