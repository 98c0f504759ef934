package dev.burrow.policy.actions.webhook;

/**
 * GitHub: {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, body)>}. GitHub signs no timestamp, so a replay
 * of a genuine delivery cannot be told apart here (its {@code X-GitHub-Delivery} id is for the upstream to de-duplicate).
 */
final class GitHubScheme implements WebhookScheme {
    private final byte[] secret;

    GitHubScheme(String secret) {
        this.secret = Signatures.utf8(secret);
    }

    @Override
    public String check(WebhookDelivery delivery) {
        String signature = delivery.header("x-hub-signature-256");
        if (signature == null) {
            return "no X-Hub-Signature-256 header";
        }
        String expected = "sha256=" + Signatures.hex(Signatures.hmac(Signatures.SHA256, secret, delivery.body()));
        return Signatures.same(signature.strip(), expected) ? null : "X-Hub-Signature-256 does not match the body";
    }
}
