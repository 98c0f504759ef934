package dev.burrow.policy.actions;

import dev.burrow.policy.InternalUrl;
import dev.burrow.policy.PolicyException;
import dev.burrow.policy.Verdict;
import dev.burrow.policy.engine.EvaluationContext;
import dev.burrow.policy.engine.Template;
import dev.cel.runtime.CelEvaluationException;
import io.vertx.core.Future;

/**
 * {@code forward-internal}: hands the request to an internal endpoint ({@code url}, {@code https://NAME.internal},
 * with {@code ${}} interpolation) instead of this endpoint's agent. Terminating: the edge resolves the name within the
 * endpoint's own tenant, runs that endpoint's policy and forwards there. A literal url is checked when the policy is
 * compiled; an interpolated one when it is rendered (a bad one fails the action: 503).
 */
final class ForwardInternalAction implements Action {
    static final String TYPE = "forward-internal";

    private final Template url;

    private ForwardInternalAction(Template url) {
        this.url = url;
    }

    static Action create(ActionConfig config) throws PolicyException {
        Template url = config.template("url", null);
        if (url.isConstant() && InternalUrl.hostOf(url.constantText()) == null) {
            throw config.problem("url", InternalUrl.PROBLEM + ": \"" + url.constantText() + "\"");
        }
        String onError = config.text("on_error", "halt");
        if (!onError.equals("halt")) {
            throw config.problem("on_error", "on_error " + onError + " is not supported by Burrow; a failed forward-internal always halts");
        }
        config.finish();
        return new ForwardInternalAction(url);
    }

    @Override
    public Future<Verdict> run(EvaluationContext context) {
        try {
            String target = url.render(context);
            if (InternalUrl.hostOf(target) == null) {
                return Future.failedFuture(new IllegalArgumentException(InternalUrl.PROBLEM + ": \"" + target + "\""));
            }
            context.detail("to " + target);
            return Future.succeededFuture(new Verdict.ForwardInternal(target, TYPE));
        } catch (CelEvaluationException e) {
            return Future.failedFuture(e);
        }
    }

    @Override
    public String type() {
        return TYPE;
    }
}
