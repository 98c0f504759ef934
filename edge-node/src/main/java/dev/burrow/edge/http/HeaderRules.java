package dev.burrow.edge.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How an HTTP exchange is framed at the edge: whether a request upgrades or has a body, and how a response head (as
 * the response modules left it) goes onto the client connection. What the edge changes in heads on the way through
 * (hop-by-hop, forwarded headers, policies) is the module chain's job, not this class's.
 */
final class HeaderRules {

    private HeaderRules() {
    }

    /**
     * Whether the request asks to switch protocols (WebSocket and the like) over HTTP/1.1. An offer of h2c is ignored
     * (RFC 9110 section 7.8 allows it): the request is answered over HTTP/1.1, one exchange at a time, and its
     * {@code Upgrade} and {@code HTTP2-Settings} headers are dropped as hop-by-hop.
     */
    static boolean isUpgradeRequest(HttpServerRequest request) {
        if (request.version() != HttpVersion.HTTP_1_1 || request.method() == HttpMethod.CONNECT) {
            return false;
        }
        String upgrade = request.headers().get("upgrade");
        return upgrade != null && !upgrade.isBlank() && !hasToken(List.of(upgrade), "h2c")
                && hasToken(request.headers().getAll("connection"), "upgrade");
    }

    /**
     * Whether an HTTP/1.x request carries no body by its framing (RFC 9112 section 6.3): no Transfer-Encoding and
     * no Content-Length, or a Content-Length of 0. HTTP/2 requests may have a body without either, so never.
     */
    static boolean hasNoBody(HttpServerRequest request) {
        if (request.version() != HttpVersion.HTTP_1_1 && request.version() != HttpVersion.HTTP_1_0) {
            return false;
        }
        MultiMap headers = request.headers();
        if (headers.contains("transfer-encoding")) {
            return false;
        }
        String length = headers.get("content-length");
        return length == null || length.trim().equals("0");
    }

    /**
     * Puts a response head onto the response: status, reason and headers; chunked when the body has no length and may
     * have one, or when the body is re-encoded (its length then changes: any Content-Length is dropped).
     */
    static void applyResponseHead(int status, String reason, List<Map.Entry<String, String>> headers,
                                  HttpServerResponse response, HttpMethod method, boolean reencoded) {
        response.setStatusCode(status);
        if (reason != null && !reason.isBlank()) {
            response.setStatusMessage(reason);
        }
        boolean hasLength = false;
        for (Map.Entry<String, String> header : headers) {
            // Netty's ASCII comparison: String.equalsIgnoreCase folds case through the Unicode tables, per response.
            boolean length = HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(header.getKey());
            if (length && reencoded) {
                continue;
            }
            hasLength |= length;
            response.headers().add(header.getKey(), header.getValue());
        }
        if (status != 101 && !hasLength && mayHaveBody(status, method)) {
            response.setChunked(true);
        }
    }

    static boolean mayHaveBody(int status, HttpMethod method) {
        return method != HttpMethod.HEAD && status >= 200 && status != 204 && status != 304;
    }

    private static boolean hasToken(List<String> values, String wanted) {
        for (String value : values) {
            for (String token : value.split(",")) {
                if (token.trim().toLowerCase(Locale.ROOT).equals(wanted)) {
                    return true;
                }
            }
        }
        return false;
    }
}
