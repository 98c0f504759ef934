package dev.burrow.policy.actions;

import dev.burrow.policy.PolicyException;
import dev.burrow.policy.Verdict;
import dev.burrow.policy.engine.EvaluationContext;
import dev.burrow.policy.engine.RequestViews;
import dev.burrow.policy.engine.Template;
import dev.cel.runtime.CelEvaluationException;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code redirect}: answers {@code status_code} (302 by default) with a Location built from {@code to}. With
 * {@code from}, only a URL the regex matches is redirected, and {@code to} replaces the matched part ($1.. refer to
 * its groups); without it, Location is {@code to}.
 */
final class RedirectAction implements Action {
    static final String TYPE = "redirect";

    private final UrlPattern from;
    private final Template to;
    private final int status;
    private final Map<String, Template> headers;

    private RedirectAction(UrlPattern from, Template to, int status, Map<String, Template> headers) {
        this.from = from;
        this.to = to;
        this.status = status;
        this.headers = headers;
    }

    static Action create(ActionConfig config) throws PolicyException {
        UrlPattern from = config.has("from") ? UrlPattern.compile(config, "from") : null;
        Template to = config.template("to", null);
        int status = (int) config.integer("status_code", 302, 300, 399);
        Map<String, Template> headers = HeaderNames.headerMap(config, "headers", false);
        config.finish();
        return new RedirectAction(from, to, status, headers);
    }

    @Override
    public Future<Verdict> run(EvaluationContext context) {
        try {
            String target = to.render(context);
            String location = from == null ? target : from.replace(RequestViews.url(context.request()), target);
            if (location == null) {
                context.detail("from did not match");
                return Outcomes.PROCEED;
            }
            List<Map.Entry<String, String>> head = new ArrayList<>(headers.size() + 1);
            head.add(Map.entry("Location", HeaderNames.withoutLineBreaks(location)));
            for (Map.Entry<String, Template> header : headers.entrySet()) {
                head.add(Map.entry(header.getKey(), HeaderNames.withoutLineBreaks(header.getValue().render(context))));
            }
            context.detail("to " + location);
            return Outcomes.respond(status, head, "", TYPE);
        } catch (CelEvaluationException e) {
            return Future.failedFuture(e);
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

}
