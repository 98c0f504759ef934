package dev.burrow.policy;

import io.vertx.core.Future;

import java.util.List;

/**
 * One HTTP exchange under a policy. The edge calls {@link #onRequest()} once, before anything reaches the agent; the
 * actions edit the {@link PolicyRequest} in place (headers, path, host) and the edge then forwards what it holds.
 * After the agent's response head, {@link #onResponse(PolicyResponse)} edits that head the same way. Not thread-safe:
 * one exchange is driven from one event loop at a time.
 */
public interface PolicyExchange {

    /** The {@code on_http_request} phase. Completes with {@link Verdict#PROCEED} or a terminating verdict. */
    Future<Verdict> onRequest();

    /**
     * The {@code on_http_response} phase, on the agent's response head before any of it is sent. A terminating verdict
     * replaces the response (the agent's body is then discarded).
     */
    default Verdict onResponse(PolicyResponse response) {
        return Verdict.PROCEED;
    }

    /** How to re-encode the response body (compression), decided by {@link #onResponse}; null to send it as is. */
    default ResponseBodyEncoder responseBodyEncoder() {
        return null;
    }

    /** Who an action proved the visitor to be in {@link #onRequest()}; null when none did. */
    default VisitorIdentity visitorIdentity() {
        return null;
    }

    /** Rules matched and actions run so far, in order, for the inspector, the access log and {@code policy test}. */
    default List<TrailEntry> trail() {
        return List.of();
    }
}
