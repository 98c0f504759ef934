package dev.burrow.policy.actions.webhook;

/** How one provider signs its deliveries. Built with the endpoint's secret; checks deliveries on event loops. */
public interface WebhookScheme {

    /** Null when the delivery is the provider's and unchanged; otherwise a short reason (never the secret). */
    String check(WebhookDelivery delivery);
}
