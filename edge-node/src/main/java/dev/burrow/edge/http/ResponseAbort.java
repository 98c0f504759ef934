package dev.burrow.edge.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Breaks off a response whose body was cut upstream so that the public client can tell it from a complete one. A
 * body framed by Content-Length or chunked is cut by closing the connection (short of the length, or without the
 * last chunk). A close-delimited body, which an HTTP/1.0 client gets when the upstream sent no length, would read
 * as complete on a FIN, so that connection is closed abortively: SO_LINGER 0 makes the close send a TCP reset,
 * which clients report as an error.
 */
final class ResponseAbort {
    private ResponseAbort() {
    }

    /** Call on the request's context, after the response head was sent. */
    static void abort(HttpServerRequest request) {
        HttpServerResponse response = request.response();
        if (closeDelimited(request, response) && request.connection() instanceof ConnectionBase connection) {
            Channel channel = connection.channel();
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
            channel.close();
            return;
        }
        response.reset();
    }

    /**
     * After a complete close-delimited body: closes the connection, which is that body's end. Vert.x keeps an HTTP/1.0
     * connection whose client asked for keep-alive open, and the client would wait for more. Request's context.
     */
    static void closeIfDelimitedByClose(HttpServerRequest request) {
        HttpServerResponse response = request.response();
        if (closeDelimited(request, response) && HeaderRules.mayHaveBody(response.getStatusCode(), request.method())) {
            request.connection().close();
        }
    }

    private static boolean closeDelimited(HttpServerRequest request, HttpServerResponse response) {
        return request.version() == HttpVersion.HTTP_1_0 && !response.headers().contains("content-length");
    }
}
