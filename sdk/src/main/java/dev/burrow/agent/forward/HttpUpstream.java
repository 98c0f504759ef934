package dev.burrow.agent.forward;

import dev.burrow.agent.ExchangeObserver;
import io.vertx.core.Vertx;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;

/** Where an HTTP endpoint forwards to: scheme, host and port of the local server ({@code http://localhost:3000}). */
public record HttpUpstream(URI uri, String host, int port, boolean ssl) {

    /**
     * Validates {@code url}: http or https, a host, an optional port (80/443 by default), no path beyond "/".
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static HttpUpstream of(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("upstream URL \"" + url + "\" must start with http:// or https://");
        }
        if (url.getHost() == null || url.getHost().isBlank()) {
            throw new IllegalArgumentException("upstream URL \"" + url + "\" has no host");
        }
        if (url.getRawPath() != null && !url.getRawPath().isEmpty() && !url.getRawPath().equals("/")) {
            throw new IllegalArgumentException("upstream URL \"" + url + "\" must not have a path (requests keep theirs)");
        }
        boolean ssl = scheme.equals("https");
        int port = url.getPort() == -1 ? (ssl ? 443 : 80) : url.getPort();
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("upstream URL \"" + url + "\": port " + port + " is not between 1 and 65535");
        }
        String host = url.getHost();
        String bareHost = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        return new HttpUpstream(URI.create(scheme + "://" + host + ":" + port), bareHost, port, ssl);
    }

    /** "host:port", as named in error sentences. */
    public String address() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** A forwarder with its own keep-alive connection pool to this upstream. */
    public ConnectionForwarder connectionHandler(Vertx vertx, Duration connectTimeout) {
        return new HttpForwarder(vertx, this, new UpstreamTimeouts(connectTimeout, UpstreamTimeouts.DEFAULT_RESPONSE), null, false,
                UpstreamTls.defaults());
    }

    /** A forwarder that shows every exchange to {@code observer} (may be null) and speaks HTTP/2 if asked. */
    public ConnectionForwarder connectionHandler(Vertx vertx, UpstreamTimeouts timeouts, ExchangeObserver observer, boolean http2) {
        return connectionHandler(vertx, timeouts, observer, http2, UpstreamTls.defaults());
    }

    /** As above, checking an https upstream's certificate as {@code tls} says. */
    public ConnectionForwarder connectionHandler(Vertx vertx, UpstreamTimeouts timeouts, ExchangeObserver observer, boolean http2,
                                                 UpstreamTls tls) {
        return new HttpForwarder(vertx, this, timeouts, observer, http2, tls);
    }
}
