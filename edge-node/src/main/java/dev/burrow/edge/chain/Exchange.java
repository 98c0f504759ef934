package dev.burrow.edge.chain;

import dev.burrow.edge.registry.Endpoint;
import dev.burrow.policy.PolicyExchange;
import dev.burrow.policy.ResponseBodyEncoder;
import dev.burrow.policy.VisitorIdentity;
import dev.burrow.protocol.HttpRequestHead;
import dev.burrow.protocol.HttpResponseHead;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One HTTP exchange as the request and response modules see it: the client's request (read only), the head the edge
 * will forward (which request modules edit), and later the agent's response head (which response modules edit).
 * Driven from one event loop at a time; per-exchange state of modules lives here.
 */
public final class Exchange {
    private final HttpServerRequest request;
    private final PublicConnection connection;
    private final Endpoint endpoint;
    private final String rawHost;
    private final boolean upgrade;
    private String forwardMethod;
    private String forwardTarget;
    private final List<Map.Entry<String, String>> forwardHeaders;
    private int responseStatus;
    private String responseReason;
    private List<Map.Entry<String, String>> responseHeaders;
    private PolicyExchange policy;
    private ResponseBodyEncoder bodyEncoder;
    private final Context requestContext;
    private BufferedRequestBody body;
    private VisitorIdentity verifiedIdentity;

    /**
     * @param rawHost the Host as the client sent it (with its port), or the HTTP/2 authority
     * @param upgrade the request asks to switch protocols (a WebSocket), and the edge lets it
     */
    public Exchange(HttpServerRequest request, PublicConnection connection, Endpoint endpoint, String rawHost, boolean upgrade) {
        this.request = request;
        this.connection = connection;
        this.endpoint = endpoint;
        this.rawHost = rawHost;
        this.upgrade = upgrade;
        this.requestContext = Vertx.currentContext();
        this.forwardMethod = request.method().name();
        this.forwardTarget = request.uri();
        this.forwardHeaders = new ArrayList<>(request.headers().size() + 4);
        boolean hasHost = false;
        for (Map.Entry<String, String> header : request.headers()) {
            hasHost |= header.getKey().equalsIgnoreCase("host");
            forwardHeaders.add(header);
        }
        if (!hasHost && rawHost != null) {
            forwardHeaders.add(entry("Host", rawHost));
        }
    }

    private Exchange(Exchange forwarded, Endpoint internal) {
        this.request = forwarded.request;
        this.connection = forwarded.connection;
        this.endpoint = internal;
        this.rawHost = forwarded.rawHost;
        this.upgrade = forwarded.upgrade;
        this.requestContext = forwarded.requestContext;
        this.forwardMethod = forwarded.forwardMethod;
        this.forwardTarget = forwarded.forwardTarget;
        this.forwardHeaders = new ArrayList<>(forwarded.forwardHeaders);
        this.body = forwarded.body;
        this.verifiedIdentity = forwarded.verifiedIdentity;
    }

    /**
     * The same request, now for an internal endpoint a policy forwarded it to: it carries what the modules so far
     * edited (and any body a policy read whole); the internal endpoint's policy and response phase run on it.
     */
    public Exchange forwardedTo(Endpoint internal) {
        return new Exchange(this, internal);
    }

    public static Map.Entry<String, String> entry(String name, String value) {
        return new AbstractMap.SimpleImmutableEntry<>(name, value);
    }

    public HttpServerRequest request() {
        return request;
    }

    public PublicConnection connection() {
        return connection;
    }

    public Endpoint endpoint() {
        return endpoint;
    }

    public String rawHost() {
        return rawHost;
    }

    public boolean upgrade() {
        return upgrade;
    }

    /** The scheme the client used on the public side (the HTTPS listener terminates TLS itself). */
    public String scheme() {
        return request.isSSL() ? "https" : "http";
    }

    public String forwardMethod() {
        return forwardMethod;
    }

    public String forwardTarget() {
        return forwardTarget;
    }

    public void forwardMethod(String method) {
        this.forwardMethod = method;
    }

    public void forwardTarget(String target) {
        this.forwardTarget = target;
    }

    /** The headers the agent will receive: live and editable, names in the client's case and order. */
    public List<Map.Entry<String, String>> forwardHeaders() {
        return forwardHeaders;
    }

    /** The head sent in the stream's OPEN frame. */
    public HttpRequestHead forwardHead() {
        return new HttpRequestHead(forwardMethod, forwardTarget, forwardHeaders);
    }

    /** Takes the agent's response head for the response modules (its header list is edited in place). */
    public void responseHead(HttpResponseHead head) {
        this.responseStatus = head.status();
        this.responseReason = head.reason();
        this.responseHeaders = head.headers() instanceof ArrayList<Map.Entry<String, String>> list ? list : new ArrayList<>(head.headers());
    }

    public int responseStatus() {
        return responseStatus;
    }

    public void responseStatus(int status) {
        if (status != responseStatus) {
            responseReason = null;
        }
        this.responseStatus = status;
    }

    public String responseReason() {
        return responseReason;
    }

    public List<Map.Entry<String, String>> responseHeaders() {
        return responseHeaders;
    }

    /** The request body for a policy action that reads it whole; the request streams as usual unless one does. */
    public synchronized BufferedRequestBody requestBody() {
        if (body == null) {
            body = new BufferedRequestBody(request, requestContext);
        }
        return body;
    }

    /** The body a policy read whole, which is then forwarded instead of the stream; null when none did. */
    public Buffer bufferedBody() {
        BufferedRequestBody read = body;
        return read == null ? null : read.buffered();
    }

    /** Who the visitor was proven to be (by a policy action); null when nobody proved anything. */
    public VisitorIdentity verifiedIdentity() {
        return verifiedIdentity;
    }

    public void verifiedIdentity(VisitorIdentity identity) {
        this.verifiedIdentity = identity;
    }

    /** The endpoint policy's state for this exchange; null when the endpoint has no policy. */
    public PolicyExchange policy() {
        return policy;
    }

    void policy(PolicyExchange exchange) {
        this.policy = exchange;
    }

    /** How the response body is to be re-encoded on its way to the client; null: sent as the agent sent it. */
    public ResponseBodyEncoder bodyEncoder() {
        return bodyEncoder;
    }

    void bodyEncoder(ResponseBodyEncoder encoder) {
        this.bodyEncoder = encoder;
    }
}
