package dev.burrow.edge.chain;

import dev.burrow.policy.Verdict;
import io.vertx.core.Future;

/** The tenant's requests/s quota: a request over it is answered 429 by the edge and never reaches the agent. */
public final class TenantRateLimitModule implements RequestModule {
    private final RequestQuota quota;

    public TenantRateLimitModule(RequestQuota quota) {
        this.quota = quota;
    }

    @Override
    public Future<Verdict> onRequest(Exchange exchange) {
        int limit = quota.refuse(exchange.endpoint());
        if (limit == 0) {
            return Chains.PROCEED;
        }
        String host = exchange.endpoint().address();
        return Future.succeededFuture(EdgeAnswers.page(429, "Too many requests", "the tunnel " + host
                + " is over its account's limit of " + limit + " requests per second; slow down and retry", "tenant-rate-limit"));
    }
}
