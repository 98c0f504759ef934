package dev.burrow.policy.actions.jwt;

import dev.burrow.policy.PolicyRequest;

import java.util.Map;

/**
 * Where one token is read: a header (ngrok's {@code method: header}) or a cookie (Burrow's {@code method: cookie}),
 * by name in any case, with {@code prefix} (such as {@code "Bearer "}) removed; a value without the prefix is no
 * token. {@code type} is ngrok's hint ({@code access_token}, {@code id_token}, ...), kept for the trail.
 */
public record TokenSource(String type, String method, String name, String prefix) {

    /** The token, or null when the request does not carry one here. */
    public String find(PolicyRequest request) {
        String value = "cookie".equals(method) ? cookie(request) : header(request);
        if (value == null) {
            return null;
        }
        if (!prefix.isEmpty()) {
            if (!value.regionMatches(true, 0, prefix, 0, prefix.length())) {
                return null;
            }
            value = value.substring(prefix.length());
        }
        value = value.strip();
        return value.isEmpty() ? null : value;
    }

    private String header(PolicyRequest request) {
        return request.header(name);
    }

    private String cookie(PolicyRequest request) {
        for (Map.Entry<String, String> header : request.headers()) {
            if (!header.getKey().equalsIgnoreCase("cookie")) {
                continue;
            }
            for (String pair : header.getValue().split(";")) {
                int equals = pair.indexOf('=');
                if (equals > 0 && pair.substring(0, equals).strip().equals(name)) {
                    return pair.substring(equals + 1).strip();
                }
            }
        }
        return null;
    }
}
