package dev.burrow.policy.actions;

import dev.burrow.policy.ConnectionFacts;
import dev.burrow.policy.InternalEndpoints;
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
 * endpoint's own account, runs that endpoint's policy and forwards there. A literal url is checked when the policy is
 * compiled; an interpolated one when it is rendered. {@code on_error}: {@code halt} (the default) ends the exchange
 * when the forward cannot happen (a bad url fails the action: 503; a missing endpoint is the edge's 404);
 * {@code continue} asks first whether the account's internal endpoint is there and online, and when it is not (or the
 * url does not render to an internal one) the phase goes on with the next action (then the next rules), and the exchange may reach this endpoint's own agent.
 */
final class ForwardInternalAction implements Action {
    static final String TYPE = "forward-internal";

    private final Template url;
    private final boolean continueOnError;
    private final InternalEndpoints endpoints;

    private ForwardInternalAction(Template url, boolean continueOnError, InternalEndpoints endpoints) {
        this.url = url;
        this.continueOnError = continueOnError;
        this.endpoints = endpoints;
    }

    static Action create(ActionConfig config) throws PolicyException {
        Template url = config.template("url", null);
        if (url.isConstant() && InternalUrl.hostOf(url.constantText()) == null) {
            throw config.problem("url", InternalUrl.PROBLEM + ": \"" + url.constantText() + "\"");
        }
        String onError = config.text("on_error", "halt");
        if (!onError.equals("halt") && !onError.equals("continue")) {
            throw config.problem("on_error", "on_error is halt or continue, not \"" + onError + "\"");
        }
        config.finish();
        return new ForwardInternalAction(url, onError.equals("continue"), config.environment().internalEndpoints());
    }

    @Override
    public Future<Verdict> run(EvaluationContext context) {
        String target;
        try {
            target = url.render(context);
        } catch (CelEvaluationException e) {
            return continueOnError ? goOn(context, "the url did not render: " + e.getMessage()) : Future.failedFuture(e);
        }
        if (InternalUrl.hostOf(target) == null) {
            String problem = InternalUrl.PROBLEM + ": \"" + target + "\"";
            return continueOnError ? goOn(context, problem) : Future.failedFuture(new IllegalArgumentException(problem));
        }
        if (!continueOnError) {
            return forward(context, target);
        }
        ConnectionFacts.EndpointFacts from = context.connection() == null ? null : context.connection().endpoint();
        return endpoints.serves(from == null ? null : from.id(), target).otherwise(false)
                .compose(served -> served ? forward(context, target)
                        : goOn(context, "to " + target + ": no internal endpoint of this account serves it"));
    }

    private static Future<Verdict> forward(EvaluationContext context, String target) {
        context.detail("to " + target);
        return Future.succeededFuture(new Verdict.ForwardInternal(target, TYPE));
    }

    /** {@code on_error: continue}: the phase goes on with the next action; the trail says why. */
    private static Future<Verdict> goOn(EvaluationContext context, String why) {
        context.detail(why + "; continuing (on_error: continue)");
        return Outcomes.PROCEED;
    }

    @Override
    public String type() {
        return TYPE;
    }
}
