package dev.burrow.policy.actions.webhook;

/**
 * Slack: {@code X-Slack-Signature: v0=<hex HMAC-SHA256(signing secret, "v0:" + timestamp + ":" + body)>} with the
 * timestamp from {@code X-Slack-Request-Timestamp}, which Slack says to refuse when more than five minutes off.
 */
final class SlackScheme implements WebhookScheme {
    static final long TOLERANCE_SECONDS = 300;
    private final byte[] secret;

    SlackScheme(String secret) {
        this.secret = Signatures.utf8(secret);
    }

    @Override
    public String check(WebhookDelivery delivery) {
        String timestamp = delivery.header("x-slack-request-timestamp");
        String signature = delivery.header("x-slack-signature");
        if (timestamp == null || signature == null) {
            return "no X-Slack-Request-Timestamp or X-Slack-Signature header";
        }
        if (!Signatures.fresh(timestamp.strip(), delivery.nowSeconds(), TOLERANCE_SECONDS)) {
            return "X-Slack-Request-Timestamp is more than " + TOLERANCE_SECONDS + " s away from now";
        }
        byte[] mac = Signatures.hmac(Signatures.SHA256, secret,
                Signatures.utf8("v0:" + timestamp.strip() + ":"), delivery.body());
        return Signatures.same(signature.strip(), "v0=" + Signatures.hex(mac)) ? null : "X-Slack-Signature does not match";
    }
}
