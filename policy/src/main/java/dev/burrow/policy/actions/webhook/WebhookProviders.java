package dev.burrow.policy.actions.webhook;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** The providers {@code verify-webhook} knows, by ngrok's identifiers, each built from the endpoint's secret. */
public final class WebhookProviders {
    private static final Map<String, Function<String, WebhookScheme>> BY_NAME = new TreeMap<>(Map.of(
            "github", GitHubScheme::new,
            "gitlab", GitLabScheme::new,
            "shopify", ShopifyScheme::new,
            "slack", SlackScheme::new,
            "stripe", StripeScheme::new,
            "twilio", TwilioScheme::new,
            "svix", WebhookProviders::standardWebhooks,
            "standard_webhooks", WebhookProviders::standardWebhooks));

    private WebhookProviders() {
    }

    /** The scheme of {@code provider} with {@code secret}; null for an unknown provider. */
    public static WebhookScheme scheme(String provider, String secret) {
        Function<String, WebhookScheme> factory = BY_NAME.get(provider);
        return factory == null ? null : factory.apply(secret);
    }

    /** Why {@code secret} cannot serve {@code provider}, or null when it can. */
    public static String secretProblem(String provider, String secret) {
        if (secret.isEmpty()) {
            return "must not be empty";
        }
        boolean standard = provider.equals("svix") || provider.equals("standard_webhooks");
        if (standard && StandardWebhooksScheme.keyOf(secret) == null) {
            return "must be the whsec_... secret (base64 after the prefix)";
        }
        return null;
    }

    public static String names() {
        return String.join(", ", BY_NAME.keySet());
    }

    private static WebhookScheme standardWebhooks(String secret) {
        return new StandardWebhooksScheme(StandardWebhooksScheme.keyOf(secret));
    }
}
