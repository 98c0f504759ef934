package dev.burrow.edge.http;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;

import java.util.Map;
import java.util.Set;

/**
 * The checks of {@link RequestHeadValidator} that still matter for an HTTP/2 request, whose head comes decoded from
 * HPACK rather than as bytes: the agent speaks HTTP/1.1 to the upstream, so a field that could not be written there
 * as one line (a CR, LF or NUL in a value, a name that is not a lower-case token) or could frame the body differently
 * (a connection-specific field, Transfer-Encoding, a repeated or non-numeric Content-Length, TE other than trailers)
 * is refused with 400 before anything is relayed; so is a Host that names another authority than {@code :authority},
 * and more fields than allowed.
 */
final class Http2RequestCheck {
    private static final Set<String> CONNECTION_SPECIFIC = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "upgrade");

    private final int maxHeaderFields;

    Http2RequestCheck(int maxHeaderFields) {
        this.maxHeaderFields = maxHeaderFields;
    }

    /** Null when the request may go on, or why not. */
    HeadRefusal check(HttpServerRequest request) {
        MultiMap headers = request.headers();
        if (headers.size() > maxHeaderFields) {
            return new HeadRefusal(431, "too many header fields", "the request has more than " + maxHeaderFields + " header fields");
        }
        int contentLengths = 0;
        for (Map.Entry<String, String> field : headers) {
            String name = field.getKey();
            String value = field.getValue();
            if (!lowerToken(name) || !fieldValue(value)) {
                return HeadRefusal.badRequest("invalid HTTP/2 field", "a header field name or value holds characters HTTP does not allow");
            }
            if (CONNECTION_SPECIFIC.contains(name) || name.equals("te") && !value.trim().equalsIgnoreCase("trailers")) {
                return HeadRefusal.badRequest("connection-specific HTTP/2 field", "HTTP/2 requests must not carry " + name);
            }
            if (name.equals("content-length") && (++contentLengths > 1 || !digits(value))) {
                return HeadRefusal.badRequest("invalid Content-Length", "the Content-Length is repeated or not a decimal number");
            }
        }
        HostAndPort authority = request.authority();
        String host = headers.get("host");
        if (authority != null && host != null && !host.equalsIgnoreCase(authority.port() >= 0
                ? authority.host() + ":" + authority.port() : authority.host())) {
            return HeadRefusal.badRequest("Host disagrees with :authority", "the Host header names another host than :authority");
        }
        return null;
    }

    private static boolean lowerToken(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean fieldValue(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0 || c < 0x20 && c != '\t' || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    private static boolean digits(String value) {
        String trimmed = value.trim();
        if (trimmed.isEmpty() || trimmed.length() > 18) {
            return false;
        }
        for (int i = 0; i < trimmed.length(); i++) {
            if (!Character.isDigit(trimmed.charAt(i)) || trimmed.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }
}
