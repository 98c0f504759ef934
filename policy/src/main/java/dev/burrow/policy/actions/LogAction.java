package dev.burrow.policy.actions;

import dev.burrow.policy.AccessLogSink;
import dev.burrow.policy.PolicyException;
import dev.burrow.policy.Verdict;
import dev.burrow.policy.engine.EvaluationContext;
import dev.burrow.policy.engine.Template;
import dev.cel.runtime.CelEvaluationException;
import io.vertx.core.Future;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code log}: writes one event to the edge's access log: the endpoint, the client address, the phase, the request
 * line when there is one, and the {@code metadata} fields (values may use ${CEL}).
 */
final class LogAction implements Action {
    static final String TYPE = "log";

    private final Map<String, Template> metadata;
    private final String phase;
    private final AccessLogSink sink;

    private LogAction(Map<String, Template> metadata, String phase, AccessLogSink sink) {
        this.metadata = metadata;
        this.phase = phase;
        this.sink = sink;
    }

    static Action create(ActionConfig config) throws PolicyException {
        Map<String, Template> metadata = config.templateMap("metadata", false);
        config.finish();
        return new LogAction(metadata, config.phase().key(), config.environment().accessLog());
    }

    @Override
    public Future<Verdict> run(EvaluationContext context) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("phase", phase);
        if (context.connection().endpoint() != null) {
            fields.put("endpoint", context.connection().endpoint().id());
        }
        fields.put("client_ip", context.connection().clientIp());
        if (context.request() != null) {
            fields.put("method", context.request().method());
            fields.put("target", context.request().target());
        }
        if (context.response() != null) {
            fields.put("status", context.response().status());
        }
        try {
            for (Map.Entry<String, Template> field : metadata.entrySet()) {
                fields.put(field.getKey(), field.getValue().render(context));
            }
        } catch (CelEvaluationException e) {
            return Future.failedFuture(e);
        }
        sink.record(fields);
        return Outcomes.PROCEED;
    }

    @Override
    public String type() {
        return TYPE;
    }
}
