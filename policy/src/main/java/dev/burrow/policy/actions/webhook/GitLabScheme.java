package dev.burrow.policy.actions.webhook;

/** GitLab: the webhook's secret token, sent as is in {@code X-Gitlab-Token}; GitLab signs neither body nor time. */
final class GitLabScheme implements WebhookScheme {
    private final String secret;

    GitLabScheme(String secret) {
        this.secret = secret;
    }

    @Override
    public String check(WebhookDelivery delivery) {
        String token = delivery.header("x-gitlab-token");
        if (token == null) {
            return "no X-Gitlab-Token header";
        }
        return Signatures.same(token, secret) ? null : "X-Gitlab-Token is not the secret";
    }
}
