package dev.burrow.policy.actions.webhook;

import java.util.Base64;

/**
 * Standard Webhooks (Svix's scheme): {@code webhook-signature: v1,<base64 HMAC-SHA256(key, id + "." + timestamp + "."
 * + body)>} (space-separated when there are several), with {@code webhook-id} and {@code webhook-timestamp}; Svix
 * sends the same under {@code svix-*} names. The key is the base64 after {@code whsec_}. The specification's
 * tolerance is five minutes either way.
 */
final class StandardWebhooksScheme implements WebhookScheme {
    static final long TOLERANCE_SECONDS = 300;
    private static final String PREFIX = "whsec_";
    private final byte[] key;

    StandardWebhooksScheme(byte[] key) {
        this.key = key;
    }

    /** The key from the secret as the provider shows it ({@code whsec_...}); null when it is not base64. */
    static byte[] keyOf(String secret) {
        try {
            return Base64.getDecoder().decode(secret.startsWith(PREFIX) ? secret.substring(PREFIX.length()) : secret);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public String check(WebhookDelivery delivery) {
        String prefix = delivery.header("webhook-signature") != null ? "webhook-" : "svix-";
        String id = delivery.header(prefix + "id");
        String timestamp = delivery.header(prefix + "timestamp");
        String signatures = delivery.header(prefix + "signature");
        if (id == null || timestamp == null || signatures == null) {
            return "no webhook-id, webhook-timestamp or webhook-signature header";
        }
        if (!Signatures.fresh(timestamp.strip(), delivery.nowSeconds(), TOLERANCE_SECONDS)) {
            return prefix + "timestamp is more than " + TOLERANCE_SECONDS + " s away from now";
        }
        byte[] mac = Signatures.hmac(Signatures.SHA256, key,
                Signatures.utf8(id + "." + timestamp.strip() + "."), delivery.body());
        String expected = "v1," + Base64.getEncoder().encodeToString(mac);
        boolean matched = false;
        for (String signature : signatures.strip().split(" +")) {
            matched |= Signatures.same(signature, expected);
        }
        return matched ? null : prefix + "signature does not match";
    }
}
