package dev.burrow.policy;

import io.vertx.core.Vertx;

/**
 * What compiled policies may use from the process that runs them: timers, and the counters behind rate-limit and
 * circuit-breaker. The edge gives cluster-wide counters; {@link #local(Vertx)} keeps them in this process (the agent's
 * offline {@code policy test}, unit tests, a single node).
 */
public interface PolicyEnvironment {

    Vertx vertx();

    static PolicyEnvironment local(Vertx vertx) {
        return () -> vertx;
    }
}
