package dev.burrow.edge.http;

import dev.burrow.protocol.HopByHop;
import dev.burrow.protocol.HttpRequestHead;
import dev.burrow.protocol.HttpResponseHead;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the edge changes in HTTP heads on the way through: hop-by-hop headers dropped (one list, plus any header
 * named in {@code Connection}), except {@code Upgrade}/{@code Connection: upgrade} of an upgrade request and of a
 * 101 answer, and {@code Expect} (the edge answers 100-continue itself); {@code X-Forwarded-For} appended, {@code X-Forwarded-Proto} and {@code X-Forwarded-Host} set.
 */
final class HeaderRules {
    /** Hop-by-hop headers (RFC 9110 7.6.1), lowercase. */
    static final Set<String> HOP_BY_HOP = HopByHop.HEADERS;

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
        return upgrade != null && !upgrade.isBlank() && !connectionTokens(List.of(upgrade)).contains("h2c")
                && connectionTokens(request.headers().getAll("connection")).contains("upgrade");
    }

    /** The head forwarded to the agent. */
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

    static HttpRequestHead requestHead(HttpServerRequest request, String clientIp, String originalHost, boolean upgrade) {
        MultiMap in = request.headers();
        Set<String> named = connectionTokens(in.getAll("connection"));
        List<Map.Entry<String, String>> out = new ArrayList<>(in.size() + 4);
        String forwardedFor = null;
        boolean hasHost = false;
        for (Map.Entry<String, String> header : in) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (name.equals("x-forwarded-for")) {
                forwardedFor = forwardedFor == null ? header.getValue() : forwardedFor + ", " + header.getValue();
                continue;
            }
            if (name.equals("x-forwarded-proto") || name.equals("x-forwarded-host") || name.equals("expect")) {
                continue;
            }
            if (upgrade && (name.equals("upgrade") || name.equals("connection"))) {
                continue;
            }
            if (HOP_BY_HOP.contains(name) || named.contains(name)) {
                continue;
            }
            hasHost |= name.equals("host");
            out.add(entry(header.getKey(), header.getValue()));
        }
        if (!hasHost && originalHost != null) {
            out.add(entry("Host", originalHost));
        }
        if (upgrade) {
            out.add(entry("Connection", "Upgrade"));
            out.add(entry("Upgrade", in.get("upgrade")));
        }
        out.add(entry("X-Forwarded-For", forwardedFor == null ? clientIp : forwardedFor + ", " + clientIp));
        out.add(entry("X-Forwarded-Proto", request.isSSL() ? "https" : "http"));
        if (originalHost != null) {
            out.add(entry("X-Forwarded-Host", originalHost));
        }
        return new HttpRequestHead(request.method().name(), request.uri(), out);
    }

    /**
     * Copies the agent's answer onto the response: status, reason and end-to-end headers; chunked when the body has
     * no length and may have one. For a 101 the {@code Upgrade} and {@code Connection} headers are kept.
     */
    static void applyResponseHead(HttpResponseHead head, HttpServerResponse response, HttpMethod method) {
        boolean switching = head.status() == 101;
        List<String> connection = null;
        for (Map.Entry<String, String> header : head.headers()) {
            if (header.getKey().equalsIgnoreCase("connection")) {
                (connection == null ? connection = new ArrayList<>(2) : connection).add(header.getValue());
            }
        }
        Set<String> named = connection == null ? Set.of() : connectionTokens(connection);
        response.setStatusCode(head.status());
        if (head.reason() != null && !head.reason().isBlank()) {
            response.setStatusMessage(head.reason());
        }
        boolean hasLength = false;
        for (Map.Entry<String, String> header : head.headers()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            if (switching && (name.equals("upgrade") || name.equals("connection"))) {
                response.headers().add(header.getKey(), header.getValue());
                continue;
            }
            if (HOP_BY_HOP.contains(name) || named.contains(name) || (switching && name.equals("content-length"))) {
                continue;
            }
            hasLength |= name.equals("content-length");
            response.headers().add(header.getKey(), header.getValue());
        }
        if (!switching && !hasLength && mayHaveBody(head.status(), method)) {
            response.setChunked(true);
        }
    }

    static boolean mayHaveBody(int status, HttpMethod method) {
        return method != HttpMethod.HEAD && status >= 200 && status != 204 && status != 304;
    }

    /** The header names listed in {@code Connection} values, lowercase (usually none: no set is built then). */
    private static Set<String> connectionTokens(List<String> connectionValues) {
        if (connectionValues.isEmpty()) {
            return Set.of();
        }
        Set<String> tokens = new HashSet<>();
        for (String value : connectionValues) {
            for (String token : value.split(",")) {
                String trimmed = token.trim().toLowerCase(Locale.ROOT);
                if (!trimmed.isEmpty()) {
                    tokens.add(trimmed);
                }
            }
        }
        return tokens;
    }

    private static Map.Entry<String, String> entry(String name, String value) {
        return new AbstractMap.SimpleImmutableEntry<>(name, value);
    }
}
