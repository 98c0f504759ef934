package dev.burrow.edge.http;

import io.vertx.core.http.HttpServerResponse;

import java.nio.charset.StandardCharsets;

/** The short HTML pages the edge answers with itself (unknown tunnel, agent offline, upstream failed). */
public final class ErrorPages {
    private ErrorPages() {
    }

    /** Sends a complete error response unless the response was already started. */
    static io.vertx.core.Future<Void> send(HttpServerResponse response, int status, String title, String sentence,
                                           boolean closeConnection) {
        if (response.headWritten() || response.ended() || response.closed()) {
            return io.vertx.core.Future.succeededFuture();
        }
        String body = html(title, sentence);
        // A redirect's Location, set by the caller, survives the clearing of whatever else was set.
        String location = status >= 300 && status < 400 ? response.headers().get("Location") : null;
        response.setStatusCode(status);
        response.headers().clear();
        if (location != null) {
            response.putHeader("Location", location);
        }
        response.putHeader("Content-Type", "text/html; charset=utf-8");
        response.putHeader("Cache-Control", "no-store");
        response.putHeader("X-Burrow-Error", Integer.toString(status));
        if (closeConnection) {
            closeAfter(response);
        }
        return response.end(body);
    }

    /**
     * Asks an HTTP/1 client to close the connection after {@code response}. Connection is an HTTP/1 field: on an HTTP/2
     * stream it is a protocol error (the client resets the stream), and the stream ends by itself.
     */
    static void closeAfter(HttpServerResponse response) {
        if (response instanceof io.vertx.core.http.impl.Http1xServerResponse) {
            response.putHeader("Connection", "close");
        }
    }

    /**
     * A whole response written as bytes, with {@code Connection: close}: for answers given before Vert.x has a
     * request object (a refused or timed-out request head).
     */
    static byte[] rawClosing(int status, String phrase, String sentence) {
        byte[] body = html(status + " " + phrase, sentence).getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + phrase + "\r\n"
                + "Content-Type: text/html; charset=utf-8\r\nCache-Control: no-store\r\n"
                + "X-Burrow-Error: " + status + "\r\nConnection: close\r\nContent-Length: " + body.length + "\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = java.util.Arrays.copyOf(headBytes, headBytes.length + body.length);
        System.arraycopy(body, 0, all, headBytes.length, body.length);
        return all;
    }

    public static String html(String title, String sentence) {
        return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + escape(title) + "</title></head>\n"
                + "<body><h1>" + escape(title) + "</h1>\n<p>" + escape(sentence) + "</p>\n"
                + "<hr><p><small>burrow edge</small></p></body></html>\n";
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
