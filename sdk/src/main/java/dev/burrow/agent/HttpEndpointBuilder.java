package dev.burrow.agent;

import dev.burrow.protocol.EndpointSettings;
import dev.burrow.agent.forward.ConnectionForwarder;
import dev.burrow.agent.forward.HttpUpstream;
import dev.burrow.agent.forward.PathRouter;
import dev.burrow.agent.forward.UpstreamTimeouts;
import dev.burrow.agent.internal.EndpointSpec;
import dev.burrow.agent.internal.SessionEngine;
import io.vertx.core.Future;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
    private String binding;
    private EndpointSettings settings = EndpointSettings.DEFAULTS;
    private ExchangeObserver observer;
    private boolean http2;
    private boolean httpsOnly;
    private dev.burrow.agent.forward.UpstreamTls upstreamTls = dev.burrow.agent.forward.UpstreamTls.defaults();
    private Duration responseTimeout = DEFAULT_RESPONSE_TIMEOUT;
    private final List<RouteSpec> routes = new ArrayList<>();

    /** A path (exactly, or as a prefix of whole segments) and the upstream its exchanges go to. */
    private record RouteSpec(String path, boolean exact, HttpUpstream upstream) {
    }

    HttpEndpointBuilder(SessionEngine engine) {
        this.engine = engine;
    }

    /** The full public hostname, for example {@code demo.localhost}. */
    public HttpEndpointBuilder hostname(String hostname) {
        this.hostname = hostname;
        return this;
    }

    /**
     * The public URL to serve, {@code http://demo.localhost} or just {@code demo.localhost}: its host name becomes
     * the endpoint's {@link #hostname}. A port in it is ignored (the edge serves HTTP on its own port).
     */
    public HttpEndpointBuilder url(String url) {
        String text = url == null ? "" : url.trim();
        URI parsed;
        try {
            parsed = URI.create(text.contains("://") ? text : "http://" + text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("\"" + url + "\" is not a URL (expected http://name.example.com)");
        }
        if (!"http".equalsIgnoreCase(parsed.getScheme()) || parsed.getHost() == null) {
            throw new IllegalArgumentException("\"" + url + "\" is not an http:// URL with a host name");
        }
        return hostname(parsed.getHost());
    }


    /**
     * ngrok's binding: {@code internal} for an endpoint no public listener routes to, reached only by a
     * {@code forward-internal} of the same account (its hostname must end in {@code .internal}, such as
     * {@code api.internal}); {@code public} (the default for any other name). A hostname ending in {@code .internal}
     * is internal without it.
     */
    public HttpEndpointBuilder binding(String binding) {
        this.binding = binding;
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
        this.settings = settings.withPooling(pooling);
        return this;
    }

    /**
     * The endpoint's traffic policy (ngrok's Traffic Policy document, YAML or JSON), applied by the edge to every
     * connection and request before any reaches this agent. The edge compiles it when binding and refuses a bad one
     * with {@code traffic_policy:line:col: what to fix}.
     */
    public HttpEndpointBuilder trafficPolicy(String document) {
        this.settings = settings.withTrafficPolicy(document);
        return this;
    }

    /**
     * Mutual TLS at the edge: HTTPS visitors of this endpoint must present a client certificate issued by one of these
     * CAs (PEM, one or more certificates), or their handshake fails. The certificate's fields are the policy variables
     * {@code conn.tls.client.*}. Null: no client certificate is asked for (the default).
     */
    public HttpEndpointBuilder mutualTlsCas(String pem) {
        this.settings = settings.withMutualTlsCas(pem);
        return this;
    }

    /**
     * Certificate revocation lists of the {@link #mutualTlsCas} CAs (PEM text, one or more CRLs): a visitor whose client
     * certificate is listed in its issuer's CRL fails the handshake with the {@code certificate_revoked} alert. The edge
     * refuses the bind ({@code INVALID_MUTUAL_TLS}) when a CRL cannot be read, is not signed by one of the CAs or is past
     * its nextUpdate. Null: no revocation check (the default).
     */
    public HttpEndpointBuilder mutualTlsCrls(String pem) {
        this.settings = settings.withMutualTlsCrls(pem);
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
        return forwardRouted(target, target);
    }

    /**
     * Binds the endpoint and forwards only the exchanges of its {@link #route routes}; a request whose path no route
     * takes gets 404 from the agent (an Ingress host without a {@code /} path). Needs at least one route.
     */
    public Future<Forwarder> forwardRoutes() {
        if (routes.isEmpty()) {
            return Future.failedFuture(new IllegalArgumentException("forwardRoutes() needs at least one route"));
        }
        return forwardRouted(null, routes.get(0).upstream());
    }

    /** Binds with {@code fallback} (null: unmatched paths answer 404); {@code shown} is the endpoint's upstream URL. */
    private Future<Forwarder> forwardRouted(HttpUpstream fallback, HttpUpstream shown) {
        try {
            checkBinding();
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(e);
        }
        List<RouteSpec> routed = List.copyOf(routes);
        return engine.forward(spec(shown.uri().toString()), shown.uri(), (vertx, options) -> {
            UpstreamTimeouts timeouts = new UpstreamTimeouts(options.connectTimeout(), responseTimeout);
            ConnectionForwarder fallbackForwarder = fallback == null ? null
                    : fallback.connectionHandler(vertx, timeouts, observer, http2, upstreamTls);
            if (routed.isEmpty()) {
                return fallbackForwarder;
            }
            return new PathRouter(routed.stream().map(route -> new PathRouter.Route(route.path(), route.exact(),
                    route.upstream().connectionHandler(vertx, timeouts, observer, http2, upstreamTls))).toList(), fallbackForwarder);
        });
    }

    /**
     * Sends the exchanges whose path is under {@code pathPrefix} (whole segments: {@code /api} takes {@code /api/x},
     * not {@code /apix}) to {@code upstream} instead of the URL given to {@link #forward(URI)}; the longest matching
     * prefix wins. As an Ingress's {@code Prefix} path rules route one host to several Services.
     */
    public HttpEndpointBuilder route(String pathPrefix, URI upstream) {
        return route(pathPrefix, false, upstream);
    }

    /**
     * Sends the exchanges whose path is exactly {@code path} (no query considered) to {@code upstream}, before any
     * prefix route: an Ingress's {@code Exact} path rule.
     */
    public HttpEndpointBuilder routeExact(String path, URI upstream) {
        return route(path, true, upstream);
    }

    private HttpEndpointBuilder route(String path, boolean exact, URI upstream) {
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("a route's path starts with /, not " + path);
        }
        routes.add(new RouteSpec(path, exact, HttpUpstream.of(upstream)));
        return this;
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
        try {
            checkBinding();
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(e);
        }
        return engine.listen(spec(null));
    }

    private void checkBinding() {
        String mismatch = dev.burrow.protocol.Bindings.mismatch(binding, hostname);
        if (mismatch != null) {
            throw new IllegalArgumentException(mismatch);
        }
    }

    private EndpointSpec spec(String upstream) {
        return EndpointSpec.http(httpsOnly ? dev.burrow.protocol.BindProtocols.HTTPS : dev.burrow.protocol.BindProtocols.HTTP,
                hostname, subdomain, upstream, settings);
    }
}
