package dev.burrow.policy.actions;

import dev.burrow.policy.PolicyException;
import dev.burrow.policy.RateLimitCounters;
import dev.burrow.policy.Verdict;
import dev.burrow.policy.engine.CompiledExpression;
import dev.burrow.policy.engine.DocumentNode;
import dev.burrow.policy.engine.EvaluationContext;
import dev.burrow.policy.engine.Template;
import dev.cel.runtime.CelEvaluationException;
import io.vertx.core.Future;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code rate-limit}: at most {@code capacity} requests per {@code rate} (a sliding window) for each bucket, the
 * bucket being the values of the {@code bucket_key} expressions (none: one bucket for the endpoint). Over the limit:
 * 429 with {@code Retry-After}. The counters come from the environment, so at the edge the capacity holds across the
 * cluster. With {@code enforce: false} it counts and publishes the result but never refuses.
 */
final class RateLimitAction implements Action {
    static final String TYPE = "rate-limit";
    private static final long MAX_CAPACITY = 2_000_000_000L;

    private final String keyPrefix;
    private final long capacity;
    private final Duration window;
    private final List<Object> bucketKey;
    private final boolean enforce;
    private final RateLimitCounters counters;

    private RateLimitAction(String keyPrefix, long capacity, Duration window, List<Object> bucketKey, boolean enforce,
                            RateLimitCounters counters) {
        this.keyPrefix = keyPrefix;
        this.capacity = capacity;
        this.window = window;
        this.bucketKey = bucketKey;
        this.enforce = enforce;
        this.counters = counters;
    }

    static Action create(ActionConfig config) throws PolicyException {
        String name = config.text("name", "");
        String algorithm = config.text("algorithm", "sliding_window");
        if (!algorithm.equals("sliding_window")) {
            throw config.problem("algorithm", "'" + algorithm + "' is not supported; Burrow has sliding_window");
        }
        long capacity = config.integer("capacity", -1, 1, MAX_CAPACITY);
        if (capacity < 0) {
            throw config.problem("capacity", "is required");
        }
        Duration window = config.duration("rate", null);
        if (window.compareTo(Duration.ofSeconds(1)) < 0 || window.compareTo(Duration.ofHours(24)) > 0) {
            throw config.problem("rate", "must be from 1s to 24h");
        }
        List<Object> bucketKey = new ArrayList<>();
        for (DocumentNode item : config.items("bucket_key", false)) {
            String text = String.valueOf(item.scalar());
            bucketKey.add(text.contains("${") ? config.expressions().template(text, item, config.phase())
                    : config.expressions().value(text, item, config.phase()));
        }
        boolean enforce = config.bool("enforce", true);
        config.finish();
        return new RateLimitAction(config.positionKey() + "/" + name, capacity, window, List.copyOf(bucketKey), enforce,
                config.environment().rateLimitCounters());
    }

    @Override
    public Future<Verdict> run(EvaluationContext context) {
        String key;
        try {
            key = key(context);
        } catch (CelEvaluationException e) {
            return Future.failedFuture(e);
        }
        Future<RateLimitCounters.Decision> decision = counters.acquire(key, capacity, window);
        if (decision.isComplete()) {
            return decision.succeeded() ? decide(context, decision.result()) : Future.failedFuture(decision.cause());
        }
        return decision.compose(result -> decide(context, result));
    }

    private Future<Verdict> decide(EvaluationContext context, RateLimitCounters.Decision decision) {
        context.publishActionResult("rate_limit", Map.of("allowed", decision.allowed(),
                "remaining", decision.remaining(), "capacity", capacity));
        if (decision.allowed() || !enforce) {
            context.detail(decision.allowed() ? "allowed, " + decision.remaining() + " left" : "over the limit (not enforced)");
            return Outcomes.PROCEED;
        }
        long seconds = decision.retryAfter().toSeconds();
        context.detail("over the limit, retry after " + seconds + " s");
        return Outcomes.plain(429, "429 Too Many Requests", TYPE, List.of(Map.entry("Retry-After", Long.toString(seconds))));
    }

    private String key(EvaluationContext context) throws CelEvaluationException {
        String endpoint = context.connection().endpoint() == null ? "" : context.connection().endpoint().id();
        StringBuilder key = new StringBuilder(keyPrefix.length() + endpoint.length() + 32)
                .append(endpoint).append('|').append(keyPrefix);
        for (Object part : bucketKey) {
            key.append('|');
            key.append(part instanceof Template template ? template.render(context)
                    : ((CompiledExpression) part).evaluateToText(context));
        }
        return key.toString();
    }

    @Override
    public String type() {
        return TYPE;
    }
}
