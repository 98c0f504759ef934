package dev.burrow.policy;

import dev.burrow.policy.fetch.FetchAddressGuard;
import io.vertx.core.Vertx;

/**
 * A {@link PolicyEnvironment} of given parts ({@link PolicyEnvironment#of}, {@link PolicyEnvironment#withFetchGuard},
 * {@link PolicyEnvironment#withInternalEndpoints}).
 */
record AssembledEnvironment(Vertx vertx, RateLimitCounters rateLimitCounters, AccessLogSink accessLog,
                            AuthSessionStore authSessions, FetchAddressGuard fetchGuard,
                            InternalEndpoints internalEndpoints) implements PolicyEnvironment {
}
