package dev.burrow.agent;

import dev.burrow.agent.forward.ExchangeObserver;
import dev.burrow.agent.forward.HttpUpstream;
import dev.burrow.agent.forward.UpstreamTimeouts;
import dev.burrow.agent.internal.EndpointSpec;
import dev.burrow.agent.internal.SessionEngine;
import io.vertx.core.Future;

import java.net.URI;
import java.time.Duration;

/**
 * Configures an HTTP endpoint: a public hostname on the edge. Give a full {@link #hostname}, or a
 * {@link #subdomain} of the edge's base domain, or neither for a random name.
 */
public final class HttpEndpointBuilder {
    /** How long the upstream may take to answer a request by default (ngrok and nginx wait about as long). */
    public static final Duration DEFAULT_RESPONSE_TIMEOUT = UpstreamTimeouts.DEFAULT_RESPONSE;

    private final SessionEngine engine;
    private String hostname;
    private String subdomain;
    private boolean pooling;
    private ExchangeObserver observer;
    private boolean http2;
    private boolean httpsOnly;
    private dev.burrow.agent.forward.UpstreamTls upstreamTls = dev.burrow.agent.forward.UpstreamTls.defaults();
    private Duration responseTimeout = DEFAULT_RESPONSE_TIMEOUT;

    HttpEndpointBuilder(SessionEngine engine) {
        this.engine = engine;
    }

    /** The full public hostname, for example {@code demo.localhost}. */
    public HttpEndpointBuilder hostname(String hostname) {
        this.hostname = hostname;
        return this;
    }

    /** A name under the edge's base domain, for example {@code demo} for {@code demo.localhost}. */
    public HttpEndpointBuilder subdomain(String subdomain) {
        this.subdomain = subdomain;
        return this;
    }

    /**
     * Lets other agents of the same tenant bind the same hostname with pooling too; the edge then spreads the
     * exchanges over all of them. Without it (the default) a hostname bound by another agent is refused.
     */
    public HttpEndpointBuilder pooling(boolean pooling) {
        this.pooling = pooling;
        return this;
    }

    /**
     * Serves the endpoint over HTTPS only (its URL is https://…): the edge terminates TLS with a certificate for the
     * name and answers plain-HTTP requests with a 308 to the https URL. Without it (the default) the endpoint is
     * reachable over both HTTP and HTTPS.
     */
    public HttpEndpointBuilder httpsOnly(boolean httpsOnly) {
        this.httpsOnly = httpsOnly;
        return this;
    }

    /** How an https:// upstream's certificate is checked (a private CA, or no check); default: the JVM's CAs. */
    public HttpEndpointBuilder upstreamTls(dev.burrow.agent.forward.UpstreamTls tls) {
        this.upstreamTls = tls == null ? dev.burrow.agent.forward.UpstreamTls.defaults() : tls.validate();
        return this;
    }

    /** Shows every forwarded exchange to {@code observer} (the inspector uses this); called on the event loop. */
    public HttpEndpointBuilder observer(ExchangeObserver observer) {
        this.observer = observer;
        return this;
    }

    /** Speaks HTTP/2 to the upstream (h2c prior knowledge on http://, ALPN on https://) instead of HTTP/1.1. */
    public HttpEndpointBuilder upstreamHttp2(boolean http2) {
        this.http2 = http2;
        return this;
    }

    /**
     * How long the upstream may take, after the whole request was sent, to send its response head; past it the
     * request is aborted and the public client gets a 504 naming the upstream. Bodies may then take as long as
     * they take. Default {@link #DEFAULT_RESPONSE_TIMEOUT}.
     */
    public HttpEndpointBuilder responseTimeout(Duration timeout) {
        if (timeout == null || timeout.toMillis() < 1) {
            throw new IllegalArgumentException("the response timeout must be positive, not " + timeout);
        }
        this.responseTimeout = timeout;
        return this;
    }

    /**
     * Binds the endpoint and forwards every exchange to {@code upstream} ({@code http://host:port} or
     * {@code https://host:port}) through a pooled keep-alive client; WebSocket upgrades become byte pipes.
     * Fails with a {@link BurrowException} ({@code BIND_FAILED}) carrying the edge's sentence if the name is taken.
     */
    public Future<Forwarder> forward(URI upstream) {
        HttpUpstream target;
        try {
            target = HttpUpstream.of(upstream);
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(e);
        }
        return engine.forward(spec(target.uri().toString()), target.uri(),
                (vertx, options) -> target.connectionHandler(vertx, new UpstreamTimeouts(options.connectTimeout(), responseTimeout), observer, http2, upstreamTls));
    }

    /** Like {@link #forward(URI)} with a URL string. */
    public Future<Forwarder> forward(String upstreamUrl) {
        try {
            return forward(URI.create(upstreamUrl));
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(new IllegalArgumentException("\"" + upstreamUrl + "\" is not a valid URL"));
        }
    }

    /** Binds the endpoint; the application takes each exchange with {@link EndpointListener#accept()}. */
    public Future<EndpointListener> listen() {
        return engine.listen(spec(null));
    }

    private EndpointSpec spec(String upstream) {
        return EndpointSpec.http(httpsOnly ? dev.burrow.protocol.BindProtocols.HTTPS : dev.burrow.protocol.BindProtocols.HTTP,
                hostname, subdomain, upstream, pooling);
    }
}
