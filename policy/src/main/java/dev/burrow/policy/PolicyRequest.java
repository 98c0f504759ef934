package dev.burrow.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A request head as the edge will forward it, which request-phase actions edit in place. {@code path} is as the
 * client sent it (percent-encoded, not normalised), {@code query} is null without a '?', header names keep their case
 * and order. {@code contentLength} is -1 when unknown.
 */
public final class PolicyRequest {
    private String method;
    private String scheme;
    private String host;
    private String path;
    private String query;
    private final List<Map.Entry<String, String>> headers;
    private final long contentLength;
    private RequestBody body = RequestBody.EMPTY;

    public PolicyRequest(String method, String scheme, String host, String path, String query,
                         List<Map.Entry<String, String>> headers, long contentLength) {
        this.method = method;
        this.scheme = scheme;
        this.host = host;
        this.path = path;
        this.query = query;
        this.headers = new ArrayList<>(headers);
        this.contentLength = contentLength;
    }

    public String method() {
        return method;
    }

    public String scheme() {
        return scheme;
    }

    public String host() {
        return host;
    }

    public String path() {
        return path;
    }

    public String query() {
        return query;
    }

    /** The request target as forwarded: path plus {@code ?query} when there is one. */
    public String target() {
        return query == null ? path : path + "?" + query;
    }

    /** Live, editable list; names compare case-insensitively ({@link #header(String)}). */
    public List<Map.Entry<String, String>> headers() {
        return headers;
    }

    public long contentLength() {
        return contentLength;
    }

    /** The body, read on demand (see {@link RequestBody}); empty unless the edge gave a reader. */
    public RequestBody body() {
        return body;
    }

    public PolicyRequest withBody(RequestBody body) {
        this.body = body;
        return this;
    }

    /** The first value of a header, or null. */
    public String header(String name) {
        for (Map.Entry<String, String> header : headers) {
            if (header.getKey().equalsIgnoreCase(name)) {
                return header.getValue();
            }
        }
        return null;
    }

    public void removeHeader(String name) {
        headers.removeIf(header -> header.getKey().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT)));
    }

    public void addHeader(String name, String value) {
        headers.add(Map.entry(name, value));
    }

    public void setMethod(String method) {
        this.method = method;
    }

    public void setHost(String host) {
        this.host = host;
    }

    public void setScheme(String scheme) {
        this.scheme = scheme;
    }

    public void setPath(String path) {
        this.path = path;
    }

    public void setQuery(String query) {
        this.query = query;
    }
}
