package dev.burrow.policy.actions;

import dev.burrow.policy.PolicyException;
import dev.burrow.policy.Verdict;
import dev.burrow.policy.engine.EvaluationContext;
import io.vertx.core.Future;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * {@code circuit-breaker}: counts the upstream's answers over a rolling {@code window_duration} (in
 * {@code num_buckets} buckets); when at least {@code volume_threshold} requests were seen and the share of 5xx
 * answers reaches {@code error_threshold}, it trips and answers 503 for {@code tripped_duration} without asking the
 * upstream. The counts are per node (an upstream's health is seen where its answers pass).
 */
final class CircuitBreakerAction implements Action {
    static final String TYPE = "circuit-breaker";

    private final RollingErrorWindow window;
    private final boolean enforce;
    private final Future<Verdict> open = Outcomes.plain(503, "503 Service Unavailable", TYPE, List.of());

    private CircuitBreakerAction(RollingErrorWindow window, boolean enforce) {
        this.window = window;
        this.enforce = enforce;
    }

    static Action create(ActionConfig config) throws PolicyException {
        double errorThreshold = config.fraction("error_threshold", 0.5);
        long volume = config.integer("volume_threshold", 10, 1, 1_000_000_000);
        Duration windowDuration = config.duration("window_duration", Duration.ofSeconds(10));
        Duration tripped = config.duration("tripped_duration", Duration.ofSeconds(10));
        int buckets = (int) config.integer("num_buckets", 10, 1, 128);
        boolean enforce = config.bool("enforce", true);
        config.finish();
        LongSupplier clock = System::nanoTime;
        return new CircuitBreakerAction(new RollingErrorWindow(clock, windowDuration, buckets, volume, errorThreshold,
                tripped), enforce);
    }

    @Override
    public Future<Verdict> run(EvaluationContext context) {
        boolean tripped = window.isTripped();
        context.publishActionResult("circuit_breaker", Map.of("tripped", tripped));
        if (tripped && enforce) {
            context.detail("tripped");
            return open;
        }
        context.whenResponse(response -> window.record(response.status() >= 500));
        return Outcomes.PROCEED;
    }

    @Override
    public String type() {
        return TYPE;
    }
}
