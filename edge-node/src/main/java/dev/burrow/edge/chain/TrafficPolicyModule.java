package dev.burrow.edge.chain;

import dev.burrow.edge.registry.Endpoint;
import dev.burrow.edge.registry.EndpointProtocol;
import dev.burrow.policy.ConnectionFacts;
import dev.burrow.policy.PolicyExchange;
import dev.burrow.policy.PolicyRequest;
import dev.burrow.policy.PolicyResponse;
import dev.burrow.policy.TrafficPolicy;
import dev.burrow.policy.Verdict;
import io.vertx.core.Future;

import java.util.List;
import java.util.Map;

/**
 * The traffic policies of an endpoint ({@link PolicyLayers}: the cluster's, the tenant's, then the endpoint's own), last
 * in each chain (after the operator's modules): {@code on_tcp_connect} for a
 * TCP connection once its endpoint is known, and for an HTTP connection before its first request to an endpoint;
 * {@code on_http_request} on the head the earlier modules built, whose edits are what the agent receives;
 * {@code on_http_response} on the agent's head, with an optional re-encoding of the body. An endpoint without a policy
 * costs one field read per phase and allocates nothing.
 */
public final class TrafficPolicyModule implements ConnectionModule, RequestModule, ResponseModule {
    private final PolicyLayers policies;

    public TrafficPolicyModule(PolicyLayers policies) {
        this.policies = policies;
    }

    @Override
    public Future<Verdict> onConnect(PublicConnection connection, Endpoint endpoint) {
        if (endpoint == null) {
            return Chains.PROCEED;
        }
        TrafficPolicy policy = policies.of(endpoint);
        if (policy.isEmpty() || !connection.firstTimeFor(endpoint, policy)) {
            return Chains.PROCEED;
        }
        return policy.onTcpConnect(facts(connection, endpoint));
    }

    @Override
    public Future<Verdict> onRequest(Exchange exchange) {
        TrafficPolicy policy = policies.of(exchange.endpoint());
        if (policy.isEmpty()) {
            return Chains.PROCEED;
        }
        ConnectionFacts facts = facts(exchange.connection(), exchange.endpoint());
        Future<Verdict> connected = exchange.connection().firstTimeFor(exchange.endpoint(), policy)
                ? policy.onTcpConnect(facts) : Chains.PROCEED;
        return connected.compose(verdict -> Chains.proceeds(verdict) ? request(policy, facts, exchange) : Future.succeededFuture(verdict));
    }

    private Future<Verdict> request(TrafficPolicy policy, ConnectionFacts facts, Exchange exchange) {
        String target = exchange.forwardTarget();
        int question = target.indexOf('?');
        String host = exchange.endpoint().hostname();
        PolicyRequest request = new PolicyRequest(exchange.forwardMethod(), exchange.scheme(), host,
                question < 0 ? target : target.substring(0, question), question < 0 ? null : target.substring(question + 1),
                exchange.forwardHeaders(), contentLength(exchange.forwardHeaders())).withBody(exchange.requestBody());
        PolicyExchange policyExchange = policy.newExchange(facts, request);
        exchange.policy(policyExchange);
        return policyExchange.onRequest().map(verdict -> {
            if (Chains.proceeds(verdict) || verdict instanceof Verdict.ForwardInternal) {
                forwardEdits(request, host, exchange);
                if (policyExchange.visitorIdentity() != null) {
                    exchange.verifiedIdentity(policyExchange.visitorIdentity());
                }
            }
            return verdict;
        });
    }

    /** What the policy changed becomes what the agent receives. */
    private static void forwardEdits(PolicyRequest request, String originalHost, Exchange exchange) {
        exchange.forwardMethod(request.method());
        exchange.forwardTarget(request.target());
        List<Map.Entry<String, String>> headers = exchange.forwardHeaders();
        headers.clear();
        headers.addAll(request.headers());
        if (request.host() != null && !request.host().equals(originalHost)) {
            headers.removeIf(header -> header.getKey().equalsIgnoreCase("host"));
            headers.add(Exchange.entry("Host", request.host()));
        }
    }

    @Override
    public Verdict onResponse(Exchange exchange) {
        PolicyExchange policyExchange = exchange.policy();
        if (policyExchange == null) {
            return Verdict.PROCEED;
        }
        PolicyResponse response = new PolicyResponse(exchange.responseStatus(), exchange.responseHeaders());
        Verdict verdict = policyExchange.onResponse(response);
        if (Chains.proceeds(verdict)) {
            exchange.responseStatus(response.status());
            exchange.responseHeaders().clear();
            exchange.responseHeaders().addAll(response.headers());
            exchange.bodyEncoder(policyExchange.responseBodyEncoder());
        }
        return verdict;
    }

    private static ConnectionFacts facts(PublicConnection connection, Endpoint endpoint) {
        String url = endpoint.protocol() == EndpointProtocol.HTTP ? "http://" + endpoint.hostname()
                : endpoint.protocol().wireName() + "://:" + endpoint.port();
        return connection.facts(endpoint, url);
    }

    private static long contentLength(List<Map.Entry<String, String>> headers) {
        for (Map.Entry<String, String> header : headers) {
            if (header.getKey().equalsIgnoreCase("content-length")) {
                try {
                    return Long.parseLong(header.getValue().trim());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }
}
