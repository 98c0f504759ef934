package dev.burrow.policy.actions;

import dev.burrow.policy.PolicyException;
import dev.burrow.policy.Verdict;
import dev.burrow.policy.engine.EvaluationContext;
import dev.burrow.policy.engine.Template;
import dev.cel.runtime.CelEvaluationException;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code custom-response}: answers with {@code status_code}, {@code headers} and {@code body} (each may use ${CEL}). */
final class CustomResponseAction implements Action {
    static final String TYPE = "custom-response";

    private final int status;
    private final Map<String, Template> headers;
    private final Template body;

    private CustomResponseAction(int status, Map<String, Template> headers, Template body) {
        this.status = status;
        this.headers = headers;
        this.body = body;
    }

    static Action create(ActionConfig config) throws PolicyException {
        int status = (int) config.integer("status_code", 200, 100, 599);
        Map<String, Template> headers = HeaderNames.headerMap(config, "headers", false);
        String bodyKey = config.has("content") ? "content" : "body";
        Template body = config.template(bodyKey, "");
        config.finish();
        return new CustomResponseAction(status, headers, body);
    }

    @Override
    public Future<Verdict> run(EvaluationContext context) {
        try {
            List<Map.Entry<String, String>> head = new ArrayList<>(headers.size());
            for (Map.Entry<String, Template> header : headers.entrySet()) {
                head.add(Map.entry(header.getKey(), HeaderNames.withoutLineBreaks(header.getValue().render(context))));
            }
            return Outcomes.respond(status, head, body.render(context), TYPE);
        } catch (CelEvaluationException e) {
            return Future.failedFuture(e);
        }
    }

    @Override
    public String type() {
        return TYPE;
    }
}
