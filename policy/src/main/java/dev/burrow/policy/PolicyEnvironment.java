package dev.burrow.policy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;

/**
 * What compiled policies may use from the process that runs them: timers, the counters behind rate-limit and
 * circuit-breaker, and the access log. The edge gives cluster-wide counters; {@link #local(Vertx)} keeps them in this
 * process (the agent's offline {@code policy test}, unit tests, a single node).
 */
public interface PolicyEnvironment {

    Vertx vertx();

    /** The rate-limit counters; by default this process's. */
    default RateLimitCounters rateLimitCounters() {
        return RateLimitCounters.inProcess();
    }

    /** Where the {@code log} action writes; by default a logger. */
    default AccessLogSink accessLog() {
        return AccessLogSink.logger();
    }

    /** The client actions fetch with (jwt-validation's JWKS); by default one shared per Vert.x instance. */
    default HttpClient httpClient() {
        if (vertx() == null) {
            throw new IllegalStateException("this environment fetches nothing (offline)");
        }
        return SharedHttpClients.of(vertx());
    }

    /** Where the login actions keep their cookie keys and completed logins; by default this process. */
    default AuthSessionStore authSessions() {
        return AuthSessionStore.inProcess();
    }

    /** Whether an account's internal endpoint is there, for {@code forward-internal}'s {@code on_error: continue}. */
    default InternalEndpoints internalEndpoints() {
        return InternalEndpoints.ASSUMED_SERVED;
    }

    /** This environment's timers, counters, log and login store, with the edge's view of internal endpoints. */
    default PolicyEnvironment withInternalEndpoints(InternalEndpoints endpoints) {
        return new Configured(vertx(), rateLimitCounters(), accessLog(), authSessions(), endpoints);
    }

    static PolicyEnvironment local(Vertx vertx) {
        return () -> vertx;
    }

    /** An environment with the given counters and log (tests, the offline tester, the edge). */
    static PolicyEnvironment of(Vertx vertx, RateLimitCounters counters, AccessLogSink accessLog) {
        return of(vertx, counters, accessLog, AuthSessionStore.inProcess());
    }

    /** As {@link #of(Vertx, RateLimitCounters, AccessLogSink)}, with the login actions' store (the edge's cluster one). */
    static PolicyEnvironment of(Vertx vertx, RateLimitCounters counters, AccessLogSink accessLog, AuthSessionStore sessions) {
        return new Configured(vertx, counters, accessLog, sessions, InternalEndpoints.ASSUMED_SERVED);
    }

    /** An environment of given parts. */
    record Configured(Vertx vertx, RateLimitCounters rateLimitCounters, AccessLogSink accessLog, AuthSessionStore authSessions,
                      InternalEndpoints internalEndpoints) implements PolicyEnvironment {
    }
}
