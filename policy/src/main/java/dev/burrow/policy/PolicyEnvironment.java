package dev.burrow.policy;

import dev.burrow.policy.fetch.FetchAddressGuard;
import dev.burrow.policy.fetch.PolicyFetches;
import io.vertx.core.Vertx;

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

    /** Which addresses the URLs a policy names may lead to; by default public ones only. */
    default FetchAddressGuard fetchGuard() {
        return FetchAddressGuard.PUBLIC_ONLY;
    }

    /** How actions fetch (JWKS, OpenID discovery, OAuth endpoints): always under {@link #fetchGuard()}. */
    default PolicyFetches fetches() {
        if (vertx() == null) {
            throw new IllegalStateException("this environment fetches nothing (offline)");
        }
        return PolicyFetches.of(vertx(), fetchGuard());
    }

    /** This environment with another guard (the edge's {@code --policy-fetch-allow}; tests that fetch from loopback). */
    default PolicyEnvironment withFetchGuard(FetchAddressGuard guard) {
        return new AssembledEnvironment(vertx(), rateLimitCounters(), accessLog(), authSessions(), guard, internalEndpoints());
    }

    /** Where the login actions keep their cookie keys and completed logins; by default this process. */
    default AuthSessionStore authSessions() {
        return AuthSessionStore.inProcess();
    }

    /** Whether an account's internal endpoint is there, for {@code forward-internal}'s {@code on_error: continue}. */
    default InternalEndpoints internalEndpoints() {
        return InternalEndpoints.ASSUMED_SERVED;
    }

    /** This environment with the edge's view of internal endpoints. */
    default PolicyEnvironment withInternalEndpoints(InternalEndpoints endpoints) {
        return new AssembledEnvironment(vertx(), rateLimitCounters(), accessLog(), authSessions(), fetchGuard(), endpoints);
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
        return new AssembledEnvironment(vertx, counters, accessLog, sessions, FetchAddressGuard.PUBLIC_ONLY,
                InternalEndpoints.ASSUMED_SERVED);
    }
}
