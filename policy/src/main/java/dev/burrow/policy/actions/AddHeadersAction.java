package dev.burrow.policy.actions;

import dev.burrow.policy.PolicyException;
import dev.burrow.policy.PolicyRequest;
import dev.burrow.policy.Verdict;
import dev.burrow.policy.engine.EvaluationContext;
import dev.burrow.policy.engine.Phase;
import dev.burrow.policy.engine.Template;
import dev.cel.runtime.CelEvaluationException;
import io.vertx.core.Future;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code add-headers}: adds each header (values may use ${CEL}) to the request or, in {@code on_http_response}, to the
 * response; a header already present gets another value. As in ngrok, {@code host} in the request phase is the one
 * header that replaces: it sets the Host the upstream sees (this is how a policy rewrites the host header).
 */
final class AddHeadersAction implements Action {
    static final String TYPE = "add-headers";
    private static final int MAX_HEADERS = 64;

    private final List<Map.Entry<String, Template>> headers;
    private final boolean onResponse;

    private AddHeadersAction(List<Map.Entry<String, Template>> headers, boolean onResponse) {
        this.headers = headers;
        this.onResponse = onResponse;
    }

    static Action create(ActionConfig config) throws PolicyException {
        Map<String, Template> headers = HeaderNames.headerMap(config, "headers", true);
        if (headers.isEmpty() || headers.size() > MAX_HEADERS) {
            throw config.problem("headers", "give between 1 and " + MAX_HEADERS + " headers");
        }
        config.finish();
        return new AddHeadersAction(List.copyOf(headers.entrySet()), config.phase() == Phase.RESPONSE);
    }

    @Override
    public Future<Verdict> run(EvaluationContext context) {
        try {
            for (Map.Entry<String, Template> header : headers) {
                String name = header.getKey();
                String value = HeaderNames.withoutLineBreaks(header.getValue().render(context));
                if (onResponse) {
                    context.response().addHeader(name, value);
                } else if (name.toLowerCase(Locale.ROOT).equals("host")) {
                    setHost(context.request(), value);
                } else {
                    context.request().addHeader(name, value);
                }
            }
            return Outcomes.PROCEED;
        } catch (CelEvaluationException e) {
            return Future.failedFuture(e);
        }
    }

    private static void setHost(PolicyRequest request, String host) {
        request.setHost(host);
        request.removeHeader("host");
        request.addHeader("Host", host);
    }

    @Override
    public String type() {
        return TYPE;
    }
}
