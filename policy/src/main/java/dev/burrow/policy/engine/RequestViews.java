package dev.burrow.policy.engine;

import dev.burrow.policy.PolicyRequest;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The views of a request head that expressions see: headers by lowercase name, query parameters, cookies, the URL. */
public final class RequestViews {
    private RequestViews() {
    }

    /** Header values by lowercase name, in the order received; a name sent in any case is one key. */
    public static Map<String, List<String>> headers(List<Map.Entry<String, String>> headers) {
        Map<String, List<String>> byName = new LinkedHashMap<>();
        for (Map.Entry<String, String> header : headers) {
            byName.computeIfAbsent(header.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>(1)).add(header.getValue());
        }
        return byName;
    }

    public static List<String> headerValues(List<Map.Entry<String, String>> headers, String name) {
        List<String> values = new ArrayList<>(1);
        for (Map.Entry<String, String> header : headers) {
            if (header.getKey().equalsIgnoreCase(name)) {
                values.add(header.getValue());
            }
        }
        return values;
    }

    /** Query parameters decoded as a form ('+' is a space); a parameter without '=' has the value "". */
    public static Map<String, List<String>> queryParams(String query) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) {
            return params;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
            params.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
        }
        return params;
    }

    /** Cookies by name, each a map with {@code name} and {@code value}, in the order of the Cookie headers. */
    public static Map<String, List<Map<String, String>>> cookies(List<Map.Entry<String, String>> headers) {
        Map<String, List<Map<String, String>>> cookies = new LinkedHashMap<>();
        for (String header : headerValues(headers, "cookie")) {
            for (String pair : header.split(";")) {
                String trimmed = pair.strip();
                int equals = trimmed.indexOf('=');
                if (equals <= 0) {
                    continue;
                }
                String name = trimmed.substring(0, equals).strip();
                String value = trimmed.substring(equals + 1).strip();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                cookies.computeIfAbsent(name, k -> new ArrayList<>(1)).add(Map.of("name", name, "value", value));
            }
        }
        return cookies;
    }

    /** {@code scheme://host/path?query}, the path as the client sent it. */
    public static String url(PolicyRequest request) {
        String scheme = request.scheme() == null ? "http" : request.scheme();
        String host = request.host() == null ? "" : request.host();
        return scheme + "://" + host + request.target();
    }

    public static String hostWithoutPort(String host) {
        if (host == null) {
            return "";
        }
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            return close < 0 ? host : host.substring(0, close + 1);
        }
        int colon = host.lastIndexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }

    public static long contentLength(String value) {
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }
}
