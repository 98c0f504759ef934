package dev.burrow.agent.inspect;

import java.util.List;
import java.util.Map;

/**
 * One HTTP exchange as the inspector kept it; immutable once stored.
 *
 * @param status        0 when no response came (see {@code error})
 * @param durationNanos from the request's arrival to the end of the response (or the failure)
 * @param replayOf      the id of the exchange this one replayed, or null
 * @param policyTrail   the edge's traffic-policy trail: rules evaluated and actions run, one line each (empty: none)
 */
public record CapturedExchange(String id, String tunnelName, String clientAddress, long startEpochMillis, long durationNanos,
                               String method, String uri, List<Map.Entry<String, String>> requestHeaders,
                               CapturedBody.Body requestBody,
                               int status, String reason, List<Map.Entry<String, String>> responseHeaders,
                               CapturedBody.Body responseBody, String error, String replayOf,
                               List<String> policyTrail) {
    public CapturedExchange {
        policyTrail = policyTrail == null ? List.of() : List.copyOf(policyTrail);
    }

    /** The path without the query string. */
    public String path() {
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }
}
