package dev.burrow.edge.http;

import dev.burrow.mux.MuxStream;
import dev.burrow.protocol.HopByHop;
import dev.burrow.protocol.HttpTrailers;
import io.vertx.core.http.HttpServerResponse;

import java.util.Locale;
import java.util.Map;

/**
 * Puts the agent's trailers (the upstream's, carried in a TRAILERS frame) on the public response before it ends: an
 * HTTP/2 client gets them as a trailing HEADERS frame (gRPC's status and metadata), an HTTP/1.1 client of a chunked
 * response in the last chunk. Fields that describe the connection or the message framing are never trailers.
 */
final class ResponseTrailers {
    private ResponseTrailers() {
    }

    /** On the response's context, after the stream's end was delivered and before {@code response.end}. */
    static void copy(MuxStream stream, HttpServerResponse response) {
        HttpTrailers trailers = stream == null ? null : stream.trailers();
        if (trailers == null) {
            return;
        }
        for (Map.Entry<String, String> field : trailers.fields()) {
            String name = field.getKey().toLowerCase(Locale.ROOT);
            if (!HopByHop.HEADERS.contains(name) && !name.equals("content-length")) {
                response.putTrailer(field.getKey(), field.getValue());
            }
        }
    }
}
