package dev.burrow.policy.actions;

import dev.burrow.policy.PolicyException;
import dev.burrow.policy.PolicyRequest;
import dev.burrow.policy.Verdict;
import dev.burrow.policy.engine.EvaluationContext;
import dev.burrow.policy.engine.RequestViews;
import dev.burrow.policy.engine.Template;
import dev.cel.runtime.CelEvaluationException;
import io.vertx.core.Future;

/**
 * {@code url-rewrite}: where {@code from} matches the request URL, replaces the match with {@code to} ($1.. refer
 * to its groups) and forwards the request with the new path and query; the client sees nothing. A rewrite cannot
 * change the host or scheme (use add-headers with host for the host).
 */
final class UrlRewriteAction implements Action {
    static final String TYPE = "url-rewrite";

    private final UrlPattern from;
    private final Template to;

    private UrlRewriteAction(UrlPattern from, Template to) {
        this.from = from;
        this.to = to;
    }

    static Action create(ActionConfig config) throws PolicyException {
        UrlPattern from = UrlPattern.compile(config, "from");
        Template to = config.template("to", null);
        config.finish();
        return new UrlRewriteAction(from, to);
    }

    @Override
    public Future<Verdict> run(EvaluationContext context) {
        PolicyRequest request = context.request();
        try {
            String rewritten = from.replace(RequestViews.url(request), to.render(context));
            if (rewritten == null) {
                return Outcomes.PROCEED;
            }
            String target = targetOf(rewritten);
            int question = target.indexOf('?');
            String before = request.target();
            request.setPath(question < 0 ? target : target.substring(0, question));
            request.setQuery(question < 0 ? null : target.substring(question + 1));
            context.detail(before + " -> " + request.target());
            return Outcomes.PROCEED;
        } catch (CelEvaluationException e) {
            return Future.failedFuture(e);
        }
    }

    /** The path-and-query of a rewritten URL: an absolute URL loses its scheme and authority. */
    static String targetOf(String url) {
        String target = url;
        int scheme = url.indexOf("://");
        if (scheme > 0 && url.substring(0, scheme).chars().allMatch(Character::isLetter)) {
            int slash = url.indexOf('/', scheme + 3);
            int question = url.indexOf('?', scheme + 3);
            int start = slash < 0 ? question : question < 0 ? slash : Math.min(slash, question);
            target = start < 0 ? "/" : url.substring(start);
        }
        if (target.startsWith("?")) {
            target = "/" + target;
        }
        if (!target.startsWith("/")) {
            target = "/" + target;
        }
        return HeaderNames.withoutLineBreaks(target).replace(" ", "%20");
    }

    @Override
    public String type() {
        return TYPE;
    }
}
