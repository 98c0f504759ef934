package dev.burrow.policy.actions.webhook;

import java.util.Base64;

/** Shopify: {@code X-Shopify-Hmac-Sha256: <base64 HMAC-SHA256(secret, body)>}; no timestamp is signed. */
final class ShopifyScheme implements WebhookScheme {
    private final byte[] secret;

    ShopifyScheme(String secret) {
        this.secret = Signatures.utf8(secret);
    }

    @Override
    public String check(WebhookDelivery delivery) {
        String signature = delivery.header("x-shopify-hmac-sha256");
        if (signature == null) {
            return "no X-Shopify-Hmac-Sha256 header";
        }
        String expected = Base64.getEncoder().encodeToString(Signatures.hmac(Signatures.SHA256, secret, delivery.body()));
        return Signatures.same(signature.strip(), expected) ? null : "X-Shopify-Hmac-Sha256 does not match the body";
    }
}
