package dev.burrow.policy.actions;

import dev.burrow.policy.PolicyException;
import dev.burrow.policy.RequestBody;
import dev.burrow.policy.Verdict;
import dev.burrow.policy.actions.webhook.WebhookDelivery;
import dev.burrow.policy.actions.webhook.WebhookProviders;
import dev.burrow.policy.actions.webhook.WebhookScheme;
import dev.burrow.policy.engine.EvaluationContext;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

import java.util.List;
import java.util.Map;

/**
 * {@code verify-webhook}: the request must carry {@code provider}'s signature over its body made with {@code secret}
 * (and, where the provider signs a timestamp, one within its tolerance), or it gets 403 as on ngrok. The body is read
 * once through {@link RequestBody} (at most {@link RequestBody#MAX_BYTES}; larger is 413) and forwarded unchanged.
 */
final class VerifyWebhookAction implements Action {
    static final String TYPE = "verify-webhook";
    private static final Future<Verdict> FORBIDDEN = Outcomes.plain(403, "403 Forbidden", TYPE, List.of());
    private static final Future<Verdict> TOO_LARGE = Outcomes.plain(413,
            "413 Payload Too Large: a webhook body may have at most " + RequestBody.MAX_BYTES + " bytes", TYPE, List.of());

    private final WebhookScheme scheme;
    private final boolean enforce;

    private VerifyWebhookAction(WebhookScheme scheme, boolean enforce) {
        this.scheme = scheme;
        this.enforce = enforce;
    }

    static Action create(ActionConfig config) throws PolicyException {
        String provider = config.text("provider", null).strip().toLowerCase();
        String secret = config.text("secret", null);
        boolean enforce = config.bool("enforce", true);
        config.finish();
        WebhookScheme scheme = WebhookProviders.scheme(provider, secret);
        if (scheme == null) {
            throw config.problem("provider", "'" + provider + "' is not a provider Burrow verifies; known: "
                    + WebhookProviders.names());
        }
        String secretProblem = WebhookProviders.secretProblem(provider, secret);
        if (secretProblem != null) {
            throw config.problem("secret", secretProblem);
        }
        return new VerifyWebhookAction(scheme, enforce);
    }

    @Override
    public Future<Verdict> run(EvaluationContext context) {
        return context.request().body().read().compose(
                body -> decide(context, body),
                failure -> failure instanceof RequestBody.TooLarge ? refuse(context, "body_too_large",
                        failure.getMessage(), TOO_LARGE) : Future.failedFuture(failure));
    }

    private Future<Verdict> decide(EvaluationContext context, Buffer body) {
        long now = context.now().getEpochSecond();
        String problem = scheme.check(new WebhookDelivery(context.request(), body.getBytes(), now));
        if (problem == null) {
            context.publishActionResult("verify_webhook", Map.of("verified", true));
            context.detail("verified");
            return Outcomes.PROCEED;
        }
        return refuse(context, "invalid_signature", problem, FORBIDDEN);
    }

    private Future<Verdict> refuse(EvaluationContext context, String code, String message, Future<Verdict> answer) {
        context.publishActionResult("verify_webhook", Map.of("verified", false,
                "error", Map.of("code", code, "message", message)));
        context.detail("not verified: " + message);
        return enforce ? answer : Outcomes.PROCEED;
    }

    @Override
    public String type() {
        return TYPE;
    }
}
