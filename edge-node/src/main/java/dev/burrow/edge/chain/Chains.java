package dev.burrow.edge.chain;

import dev.burrow.edge.registry.Endpoint;
import dev.burrow.policy.Verdict;
import dev.burrow.protocol.ClientCertificates;
import io.vertx.core.Future;

import java.util.List;

/**
 * The module chains of the edge, one per phase, built once by the node and shared by every listener: connection
 * (every public connection), request and response (every HTTP exchange). Modules run in order; the first verdict that
 * is not {@link Verdict#PROCEED} ends the phase. A module that answers at once costs no allocation here.
 */
public final class Chains {
    public static final Future<Verdict> PROCEED = Future.succeededFuture(Verdict.PROCEED);

    private final ConnectionModule[] connection;
    private final RequestModule[] request;
    private final ResponseModule[] response;
    private final RequestModule[] internalRequest;
    private final EndpointTls endpointTls;

    public Chains(List<ConnectionModule> connection, List<RequestModule> request, List<ResponseModule> response) {
        this(connection, request, response, List.of());
    }

    /**
     * @param internalRequest the request modules for an exchange that a policy forwarded to an internal endpoint
     *                        (forward-internal): the edge's own modules already ran on it, so only that endpoint's policy
     */
    public Chains(List<ConnectionModule> connection, List<RequestModule> request, List<ResponseModule> response,
                  List<RequestModule> internalRequest) {
        this(connection, request, response, internalRequest, EndpointTls.FROM_BIND);
    }

    /**
     * @param endpointTls how an endpoint's TLS is terminated (mutual TLS from its bind or its policy's terminate-tls)
     */
    public Chains(List<ConnectionModule> connection, List<RequestModule> request, List<ResponseModule> response,
                  List<RequestModule> internalRequest, EndpointTls endpointTls) {
        this.endpointTls = endpointTls;
        this.connection = connection.toArray(ConnectionModule[]::new);
        this.request = request.toArray(RequestModule[]::new);
        this.response = response.toArray(ResponseModule[]::new);
        this.internalRequest = internalRequest.toArray(RequestModule[]::new);
    }

    /** No module at all: traffic goes straight through (unit tests of listeners). */
    public static Chains empty() {
        return new Chains(List.of(), List.of(), List.of());
    }

    /**
     * What {@code endpoint}'s TLS handshake asks of its visitors' certificates, or null: nothing. On event loops, once
     * the endpoint's policy is compiled, a map lookup.
     */
    public ClientCertificates clientCertificates(Endpoint endpoint) {
        return endpointTls.clientCertificates(endpoint);
    }

    /** How endpoints' TLS is terminated, for the HTTPS front door. */
    public EndpointTls endpointTls() {
        return endpointTls;
    }

    public static boolean proceeds(Verdict verdict) {
        return verdict instanceof Verdict.Proceed;
    }

    public Future<Verdict> onConnect(PublicConnection conn, Endpoint endpoint) {
        return connectFrom(0, conn, endpoint);
    }

    public Future<Verdict> onRequest(Exchange exchange) {
        return requestFrom(request, 0, exchange);
    }

    /** The request phase of an exchange forwarded to an internal endpoint. */
    public Future<Verdict> onInternalRequest(Exchange exchange) {
        return requestFrom(internalRequest, 0, exchange);
    }

    public Verdict onResponse(Exchange exchange) {
        for (ResponseModule module : response) {
            Verdict verdict = module.onResponse(exchange);
            if (!proceeds(verdict)) {
                return verdict;
            }
        }
        return Verdict.PROCEED;
    }

    private Future<Verdict> connectFrom(int first, PublicConnection conn, Endpoint endpoint) {
        for (int i = first; i < connection.length; i++) {
            Future<Verdict> step = connection[i].onConnect(conn, endpoint);
            if (!step.isComplete()) {
                int next = i + 1;
                return step.compose(v -> proceeds(v) ? connectFrom(next, conn, endpoint) : Future.succeededFuture(v));
            }
            if (step.failed() || !proceeds(step.result())) {
                return step;
            }
        }
        return PROCEED;
    }

    private static Future<Verdict> requestFrom(RequestModule[] modules, int first, Exchange exchange) {
        for (int i = first; i < modules.length; i++) {
            Future<Verdict> step = modules[i].onRequest(exchange);
            if (!step.isComplete()) {
                int next = i + 1;
                return step.compose(v -> proceeds(v) ? requestFrom(modules, next, exchange) : Future.succeededFuture(v));
            }
            if (step.failed() || !proceeds(step.result())) {
                return step;
            }
        }
        return PROCEED;
    }
}
