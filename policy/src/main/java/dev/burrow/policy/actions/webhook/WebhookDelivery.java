package dev.burrow.policy.actions.webhook;

import dev.burrow.policy.PolicyRequest;

/** One delivery as a provider's scheme checks it: the request head, the body's bytes and the edge's clock. */
public record WebhookDelivery(PolicyRequest request, byte[] body, long nowSeconds) {

    /** The first value of a header (any case), or null. */
    public String header(String name) {
        return request.header(name);
    }
}
