package dev.burrow.policy.actions.webhook;

/**
 * Stripe: {@code Stripe-Signature: t=<timestamp>,v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>}, possibly with
 * several {@code v1} (while a secret rolls) and other schemes' entries, which are ignored. Stripe's libraries refuse
 * a timestamp more than 300 s old; so does this.
 */
final class StripeScheme implements WebhookScheme {
    static final long TOLERANCE_SECONDS = 300;
    private final byte[] secret;

    StripeScheme(String secret) {
        this.secret = Signatures.utf8(secret);
    }

    @Override
    public String check(WebhookDelivery delivery) {
        String header = delivery.header("stripe-signature");
        if (header == null) {
            return "no Stripe-Signature header";
        }
        String timestamp = null;
        for (String item : header.split(",")) {
            if (item.strip().startsWith("t=")) {
                timestamp = item.strip().substring(2);
            }
        }
        if (!Signatures.fresh(timestamp, delivery.nowSeconds(), TOLERANCE_SECONDS)) {
            return "Stripe-Signature has no timestamp within " + TOLERANCE_SECONDS + " s of now";
        }
        String expected = Signatures.hex(Signatures.hmac(Signatures.SHA256, secret,
                Signatures.utf8(timestamp + "."), delivery.body()));
        boolean matched = false;
        for (String item : header.split(",")) {
            String entry = item.strip();
            matched |= entry.startsWith("v1=") && Signatures.same(entry.substring(3), expected);
        }
        return matched ? null : "no v1 signature in Stripe-Signature matches the body";
    }
}
